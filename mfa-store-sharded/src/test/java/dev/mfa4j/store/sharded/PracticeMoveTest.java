package dev.mfa4j.store.sharded;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mfa4j.Answer;
import dev.mfa4j.ChallengeId;
import dev.mfa4j.LoginStep;
import dev.mfa4j.MfaEngine;
import dev.mfa4j.PracticeId;
import dev.mfa4j.RememberDevice;
import dev.mfa4j.UserRef;
import dev.mfa4j.store.jdbc.JdbcMfaStore;
import dev.mfa4j.tck.MutableClock;
import dev.mfa4j.tck.SimplePool;
import dev.mfa4j.totp.Otp;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Moving a practice between shards, on two app nodes each with its own directory (the documented
 * procedure: freeze on every node, move on one, flip and thaw on the others). After the move
 * sign-ins work on both nodes, nothing single-use is accepted twice (the TOTP step, the backup
 * code, the completed ceremony), and the old shard holds nothing of the practice.
 */
class PracticeMoveTest {
  private static List<SimplePool> poolsA;
  private static List<SimplePool> poolsB;
  private static String prefix;
  private static ShardDirectory dirA;
  private static ShardDirectory dirB;
  private static ShardedMfaStore storeA;
  private static ShardedMfaStore storeB;
  private static MutableClock clock;
  private static MfaEngine nodeA;
  private static MfaEngine nodeB;

  @BeforeAll
  static void start() {
    poolsA = Shards.pools(8);
    poolsB = Shards.pools(8);
    prefix = Shards.freshPrefix();
    dirA = ShardDirectory.withDefault("a");
    dirB = ShardDirectory.withDefault("a");
    storeA = Shards.builder(dirA, poolsA).tablePrefix(prefix).build();
    storeB = Shards.builder(dirB, poolsB).tablePrefix(prefix).build();
    storeA.migrate();
    clock = MutableClock.at("2026-03-02T08:00:00Z");
    Nodes nodes = new Nodes();
    nodeA = nodes.engineWithTotp(storeA, clock, Nodes.permissive());
    nodeB = nodes.engineWithTotp(storeB, clock, Nodes.permissive());
  }

  @AfterAll
  static void stop() {
    poolsA.forEach(SimplePool::close);
    poolsB.forEach(SimplePool::close);
  }

  private static LoginStep answer(MfaEngine node, UserRef user, ChallengeId c, Answer a) {
    return node.login().verify(user, c, a, RememberDevice.NO, Nodes.REQUEST);
  }

  private static LoginStep fresh(MfaEngine node, UserRef user, Answer a) {
    return answer(node, user, Nodes.challenge(node, user).challenge(), a);
  }

  @Test
  void aMovedPractice_signsIn_acceptsNothingTwice_andLeavesNothingBehind() {
    UserRef user = UserRef.staff("move-" + Shards.freshPrefix(), "alice");
    UserRef neighbour = UserRef.staff("stay-" + Shards.freshPrefix(), "nina");
    PracticeId p = user.practice();
    Nodes.TotpEnrolled totp = Nodes.enrollTotp(nodeA, user, clock);
    Nodes.TotpEnrolled stays = Nodes.enrollTotp(nodeB, neighbour, clock);
    int period = totp.uri().parameters().periodSeconds();

    // single-use state before the move: a TOTP step, a backup code, a completed ceremony
    clock.advance(Duration.ofSeconds(period));
    String code = Otp.totp(totp.uri().secret().reveal(), clock.instant(),
        totp.uri().parameters());
    ChallengeId completed = Nodes.challenge(nodeA, user).challenge();
    assertThat(answer(nodeA, user, completed, Answer.code(totp.id(), code)))
        .isInstanceOf(LoginStep.Authenticated.class);
    List<String> backup = totp.backupCodes().reveal();
    assertThat(fresh(nodeB, user, Answer.backupCode(backup.get(0))))
        .isInstanceOf(LoginStep.Authenticated.class);
    ChallengeId pending = Nodes.challenge(nodeB, user).challenge();
    Map<String, Integer> before = PracticeMove.count(storeA, p, "a");
    assertThat(before.get("factor")).isEqualTo(1);
    assertThat(before.get("backup_code")).isEqualTo(10);
    assertThat(before.get("audit")).isPositive();

    // the procedure: freeze on node B, move with node A, flip and thaw node B
    dirB.freeze(p, Duration.ofSeconds(10));
    PracticeMove.Report report = PracticeMove.move(storeA, p, "b", Duration.ofSeconds(10));
    dirB.assign(p, "b");
    dirB.thaw(p);

    assertThat(report.from()).isEqualTo("a");
    assertThat(report.to()).isEqualTo("b");
    assertThat(report.rows()).isEqualTo(before);
    assertThat(dirA.shardOf(p)).isEqualTo("b");
    assertThat(PracticeMove.count(storeA, p, "b")).isEqualTo(before);
    assertThat(PracticeMove.count(storeA, p, "a").values()).as("nothing left on the old shard")
        .allMatch(n -> n == 0);
    JdbcMfaStore oldShard = JdbcMfaStore.builder(poolsA.get(0)).tablePrefix(prefix).build();
    assertThat(oldShard.factors().list(p, user.user())).isEmpty();
    assertThat(oldShard.backupCodes().countUnused(p, user.user())).isZero();

    // nothing single-use is accepted twice, on either node
    for (MfaEngine node : List.of(nodeA, nodeB)) {
      assertThat(fresh(node, user, Answer.code(totp.id(), code))).as("the used TOTP step")
          .isNotInstanceOf(LoginStep.Authenticated.class);
      assertThat(answer(node, user, completed, Answer.code(totp.id(), code)))
          .as("the completed ceremony").isInstanceOf(LoginStep.Rejected.class);
      assertThat(fresh(node, user, Answer.backupCode(backup.get(0)))).as("the used backup code")
          .isNotInstanceOf(LoginStep.Authenticated.class);
    }
    assertThat(nodeB.account(user).backupCodesRemaining()).isEqualTo(9);

    // and sign-ins work: a ceremony issued before the move, a new step, an unused backup code
    clock.advance(Duration.ofSeconds(period));
    String next = Otp.totp(totp.uri().secret().reveal(), clock.instant(),
        totp.uri().parameters());
    assertThat(answer(nodeB, user, pending, Answer.code(totp.id(), next)))
        .isInstanceOf(LoginStep.Authenticated.class);
    assertThat(fresh(nodeA, user, Answer.backupCode(backup.get(1))))
        .isInstanceOf(LoginStep.Authenticated.class);
    assertThat(nodeA.account(user).backupCodesRemaining()).isEqualTo(8);

    // the practice that stayed was not touched
    String theirs = Otp.totp(stays.uri().secret().reveal(), clock.instant(),
        stays.uri().parameters());
    assertThat(fresh(nodeA, neighbour, Answer.code(stays.id(), theirs)))
        .isInstanceOf(LoginStep.Authenticated.class);
    assertThat(dirA.shardOf(neighbour.practice())).isEqualTo("a");
  }

  @Test
  void aMoveThereAndBack_keepsEveryRow() {
    UserRef user = UserRef.staff("back-" + Shards.freshPrefix(), "bo");
    PracticeId p = user.practice();
    Nodes.TotpEnrolled totp = Nodes.enrollTotp(nodeA, user, clock);
    dirB.freeze(p, Duration.ofSeconds(10));
    PracticeMove.move(storeA, p, "c", Duration.ofSeconds(10));
    Map<String, Integer> onC = PracticeMove.count(storeA, p, "c");
    PracticeMove.move(storeA, p, "a", Duration.ofSeconds(10));
    dirB.thaw(p);

    assertThat(PracticeMove.count(storeA, p, "a")).isEqualTo(onC);
    assertThat(PracticeMove.count(storeA, p, "c").values()).allMatch(n -> n == 0);
    clock.advance(Duration.ofSeconds(totp.uri().parameters().periodSeconds()));
    String code = Otp.totp(totp.uri().secret().reveal(), clock.instant(),
        totp.uri().parameters());
    assertThat(fresh(nodeB, user, Answer.code(totp.id(), code)))
        .isInstanceOf(LoginStep.Authenticated.class);
  }
}
