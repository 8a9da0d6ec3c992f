/**
 * Per-practice shards: {@link dev.mfa4j.store.sharded.ShardedMfaStore} routes every
 * practice-scoped operation to one of several JDBC stores by a {@link
 * dev.mfa4j.store.sharded.ShardDirectory}, and {@link dev.mfa4j.store.sharded.PracticeMove} moves
 * a practice from one shard to another. The design, the lookups that are not scoped to one
 * practice, and the failure behaviour are described in {@code docs/sharding.md}.
 */
package dev.mfa4j.store.sharded;
