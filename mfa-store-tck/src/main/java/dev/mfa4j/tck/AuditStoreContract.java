package dev.mfa4j.tck;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mfa4j.PracticeId;
import dev.mfa4j.UserId;
import dev.mfa4j.spi.AuditEvent;
import dev.mfa4j.spi.AuditOutcome;
import dev.mfa4j.spi.AuditQuery;
import dev.mfa4j.spi.AuditType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The contract of {@link dev.mfa4j.spi.AuditStore}; extend it and supply a store. */
public abstract class AuditStoreContract extends StoreContractSupport {

  private AuditEvent event(String id, Instant at, PracticeId p, UserId subject) {
    return new AuditEvent(practice.value() + "-" + id, at, p, Optional.of(subject), Optional.empty(),
        AuditType.SIGN_IN_SUCCEEDED, AuditOutcome.SUCCESS, "192.0.2.1", "UA", Map.of());
  }

  private List<AuditEvent> find(Optional<UserId> subject, Optional<Instant> before, int limit) {
    return store.audit().find(new AuditQuery(practice, subject, before, limit));
  }

  @Test
  void append_thenFind_roundTripsEveryField() {
    AuditEvent e = new AuditEvent("ev-" + unique(), T0, practice, Optional.of(alice),
        Optional.of(bob), AuditType.FACTOR_REMOVED, AuditOutcome.DENIED, "2001:db8::7",
        "Mozilla/5.0 ünïcode", Map.of("factor", "f-1", "kind", "totp", "reason", "a=b&c"));
    append(store, e);

    List<AuditEvent> got = find(Optional.empty(), Optional.empty(), 10);

    assertThat(got).containsExactly(e);
  }

  @Test
  void append_withoutSubjectOrActor_roundTrips() {
    AuditEvent e = new AuditEvent("ev-" + unique(), T0, practice, Optional.empty(),
        Optional.empty(), AuditType.POLICY_CHANGED, AuditOutcome.SUCCESS, "", "", Map.of());
    append(store, e);

    assertThat(find(Optional.empty(), Optional.empty(), 10)).containsExactly(e);
  }

  @Test
  void append_everyTypeAndOutcome_roundTrips() {
    List<AuditEvent> all = new ArrayList<>();
    int i = 0;
    for (AuditType type : AuditType.values()) {
      AuditOutcome outcome = AuditOutcome.values()[i % AuditOutcome.values().length];
      AuditEvent e = new AuditEvent("ev-" + unique(), T0.plusSeconds(i++), practice,
          Optional.of(alice), Optional.empty(), type, outcome, "", "", Map.of());
      append(store, e);
      all.add(0, e);
    }

    assertThat(find(Optional.empty(), Optional.empty(), 500)).containsExactlyElementsOf(all);
  }

  @Test
  void find_returnsNewestFirst_tiesByIdDescending() {
    append(store, event("b", T0, practice, alice));
    append(store, event("c", T0.plusSeconds(1), practice, alice));
    append(store, event("a", T0, practice, alice));
    append(store, event("d", T0.minusSeconds(1), practice, alice));

    assertThat(find(Optional.empty(), Optional.empty(), 10)).extracting(e -> e.id().substring(practice.value().length() + 1))
        .containsExactly("c", "b", "a", "d");
  }

  @Test
  void find_bySubject_returnsOnlyThatUsersEvents() {
    append(store, event("a1", T0, practice, alice));
    append(store, event("b1", T0.plusSeconds(1), practice, bob));
    append(store, event("a2", T0.plusSeconds(2), practice, alice));

    assertThat(find(Optional.of(alice), Optional.empty(), 10)).extracting(e -> e.id().substring(practice.value().length() + 1))
        .containsExactly("a2", "a1");
    assertThat(find(Optional.of(bob), Optional.empty(), 10)).extracting(e -> e.id().substring(practice.value().length() + 1))
        .containsExactly("b1");
  }

  @Test
  void find_neverReturnsAnotherPracticesEvents() {
    append(store, event("mine", T0, practice, alice));
    append(store, event("theirs", T0.plusSeconds(1), otherPractice, alice));

    assertThat(find(Optional.empty(), Optional.empty(), 10)).extracting(e -> e.id().substring(practice.value().length() + 1))
        .containsExactly("mine");
    assertThat(find(Optional.of(alice), Optional.empty(), 10)).extracting(e -> e.id().substring(practice.value().length() + 1))
        .containsExactly("mine");
  }

  @Test
  void find_pagesByBefore_andLimit() {
    for (int i = 0; i < 5; i++) {
      append(store, event("e" + i, T0.plusSeconds(i), practice, alice));
    }

    List<AuditEvent> page1 = find(Optional.of(alice), Optional.empty(), 2);
    List<AuditEvent> page2 = find(Optional.of(alice), Optional.of(page1.get(1).at()), 2);
    List<AuditEvent> page3 = find(Optional.of(alice), Optional.of(page2.get(1).at()), 2);

    assertThat(page1).extracting(e -> e.id().substring(practice.value().length() + 1)).containsExactly("e4", "e3");
    assertThat(page2).extracting(e -> e.id().substring(practice.value().length() + 1)).containsExactly("e2", "e1");
    assertThat(page3).extracting(e -> e.id().substring(practice.value().length() + 1)).containsExactly("e0");
    assertThat(find(Optional.empty(), Optional.of(T0), 10)).isEmpty();
  }

  // ---- the hash chain ----

  private dev.mfa4j.spi.AuditEntry appendChained(AuditEvent e) {
    return store.atomically(() -> {
      List<dev.mfa4j.spi.AuditEntry> c = chained(store, List.of(e));
      store.audit().append(c);
      return c.get(0);
    });
  }

  @Test
  void head_ofANewPractice_isEmpty_andAppendsMoveIt() {
    assertThat(store.audit().head(practice)).isEqualTo(dev.mfa4j.spi.AuditHead.empty(practice));

    dev.mfa4j.spi.AuditEntry a = appendChained(event("a", T0, practice, alice));
    dev.mfa4j.spi.AuditEntry b = appendChained(event("b", T0.plusSeconds(1), practice, bob));

    assertThat(a.seq()).isEqualTo(1);
    assertThat(a.prev()).isEqualTo(dev.mfa4j.spi.AuditEntry.GENESIS);
    assertThat(b.prev()).isEqualTo(a.digest());
    assertThat(store.audit().head(practice)).isEqualTo(new dev.mfa4j.spi.AuditHead(practice, 2,
        b.digest(), 0, dev.mfa4j.spi.AuditEntry.GENESIS));
    assertThat(store.audit().head(otherPractice).seq()).isZero();
    assertThat(store.audit().practices()).contains(practice, otherPractice);
  }

  @Test
  void chain_returnsTheStoredEntriesExactly_inOrder_byRange() {
    List<dev.mfa4j.spi.AuditEntry> all = new ArrayList<>();
    AuditEvent rich = new AuditEvent("ev-" + unique(), T0, practice, Optional.of(alice),
        Optional.of(bob), AuditType.FACTOR_REMOVED, AuditOutcome.DENIED, "2001:db8::7",
        "Mozilla/5.0 \u00fcn\u00efcode \"q\"", Map.of("factor", "f-1", "reason", "a=b&c"));
    all.add(appendChained(rich));
    for (int i = 0; i < 6; i++) {
      all.add(appendChained(event("e" + i, T0.plusSeconds(i), practice, alice)));
    }
    appendChained(event("x", T0, otherPractice, alice));

    assertThat(store.audit().chain(practice, 0, 7)).containsExactlyElementsOf(all);
    assertThat(store.audit().chain(practice, 2, 5)).containsExactlyElementsOf(all.subList(2, 5));
    assertThat(store.audit().chain(practice, 7, 100)).isEmpty();
    assertThat(store.audit().after(practice, 5, 10)).containsExactlyElementsOf(all.subList(5, 7));
    assertThat(store.audit().after(practice, 0, 2)).containsExactlyElementsOf(all.subList(0, 2));
    assertThat(store.audit().chain(practice, 0, 7)).allSatisfy(e -> assertThat(e.intact())
        .isTrue());
  }

  @Test
  void append_notFollowingTheHead_isRefused_andNothingIsAppended() {
    dev.mfa4j.spi.AuditEntry first = appendChained(event("a", T0, practice, alice));
    AuditEvent next = event("b", T0.plusSeconds(1), practice, alice);
    List<dev.mfa4j.spi.AuditEntry> wrongPlace = List.of(
        dev.mfa4j.spi.AuditEntry.chain(3, first.digest(), next));
    List<dev.mfa4j.spi.AuditEntry> wrongPrev = List.of(
        dev.mfa4j.spi.AuditEntry.chain(2, dev.mfa4j.spi.AuditEntry.GENESIS, next));

    for (List<dev.mfa4j.spi.AuditEntry> bad : List.of(wrongPlace, wrongPrev)) {
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> store.atomically(() -> {
        store.audit().head(practice);
        store.audit().append(bad);
        return null;
      })).isInstanceOf(dev.mfa4j.StoreException.class);
    }

    assertThat(store.audit().chain(practice, 0, 10)).containsExactly(first);
    assertThat(store.audit().head(practice).seq()).isEqualTo(1);
  }

  @Test
  void head_isLockedUntilTheUnitEnds_soAppendsFromTwoUnitsStayOneLine() throws Exception {
    java.util.concurrent.CountDownLatch locked = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors
        .newFixedThreadPool(2);
    try {
      java.util.concurrent.Future<?> a = pool.submit(() -> store.atomically(() -> {
        List<dev.mfa4j.spi.AuditEntry> c = chained(store,
            List.of(event("a", T0, practice, alice)));
        locked.countDown();
        try {
          Thread.sleep(300);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        store.audit().append(c);
        return null;
      }));
      assertThat(locked.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
      java.util.concurrent.Future<dev.mfa4j.spi.AuditEntry> b = pool.submit(
          () -> appendChained(event("b", T0.plusSeconds(1), practice, bob)));
      a.get(30, java.util.concurrent.TimeUnit.SECONDS);
      assertThat(b.get(30, java.util.concurrent.TimeUnit.SECONDS).seq())
          .as("the second unit waited for the first's head").isEqualTo(2);
    } finally {
      pool.shutdownNow();
    }
    assertThat(store.audit().chain(practice, 0, 10)).extracting(e -> e.event().id())
        .containsExactly(practice.value() + "-a", practice.value() + "-b");
  }

  @Test
  void purge_removesTheOldestEntries_andMovesTheBase() {
    List<dev.mfa4j.spi.AuditEntry> all = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      all.add(appendChained(event("e" + i, T0.plusSeconds(i * 60L), practice, alice)));
    }
    appendChained(event("x", T0, otherPractice, alice));

    dev.mfa4j.spi.AuditHead nothing = store.audit().purge(practice, T0);
    dev.mfa4j.spi.AuditHead h = store.audit().purge(practice, T0.plusSeconds(150));

    assertThat(nothing.baseSeq()).isZero();
    assertThat(h.baseSeq()).isEqualTo(3);
    assertThat(h.baseDigest()).isEqualTo(all.get(2).digest());
    assertThat(h.seq()).isEqualTo(5);
    assertThat(store.audit().head(practice)).isEqualTo(h);
    assertThat(store.audit().chain(practice, 0, 10)).containsExactlyElementsOf(all.subList(3, 5));
    assertThat(store.audit().chain(otherPractice, 0, 10)).hasSize(1);
    // everything expired: the base reaches the head, and the chain goes on from it
    dev.mfa4j.spi.AuditHead empty = store.audit().purge(practice, T0.plusSeconds(3600));
    assertThat(empty.baseSeq()).isEqualTo(5);
    assertThat(appendChained(event("f", T0.plusSeconds(7200), practice, alice)).prev())
        .isEqualTo(all.get(4).digest());
  }

  @Test
  void checkpoints_areKept_inOrder_andSavingOneTwiceKeepsOne() {
    dev.mfa4j.AuditCheckpoint c2 = new dev.mfa4j.AuditCheckpoint(practice, 2, "b".repeat(64), T0,
        "k1", "c2ln");
    dev.mfa4j.AuditCheckpoint c1 = new dev.mfa4j.AuditCheckpoint(practice, 1, "a".repeat(64),
        T0.plusSeconds(1), "k1", "c2ln");
    store.audit().saveCheckpoint(c2);
    store.audit().saveCheckpoint(c1);
    store.audit().saveCheckpoint(c2);

    assertThat(store.audit().checkpoints(practice)).containsExactly(c1, c2);
    assertThat(store.audit().checkpoints(otherPractice)).isEmpty();
  }

  /** Appends {@code events} as one unit (one chain segment). */
  private void appendAll(List<AuditEvent> events) {
    store.atomically(() -> {
      store.audit().append(chained(store, events));
      return null;
    });
  }

  /** Pages through with the seq cursor, {@code size} at a time; every page's event ids. */
  private List<List<String>> pagesBySeq(Optional<UserId> subject, int size) {
    List<List<String>> pages = new ArrayList<>();
    java.util.OptionalLong cursor = java.util.OptionalLong.empty();
    for (int guard = 0; guard < 1_000; guard++) {
      List<dev.mfa4j.spi.AuditEntry> page =
          store.audit().findEntries(AuditQuery.bySeq(practice, subject, cursor, size));
      assertThat(store.audit().find(AuditQuery.bySeq(practice, subject, cursor, size)))
          .as("find with a seq cursor returns the same events")
          .containsExactlyElementsOf(page.stream().map(e -> e.event()).toList());
      if (page.isEmpty()) {
        return pages;
      }
      pages.add(page.stream().map(e -> e.event().id().substring(practice.value().length() + 1))
          .toList());
      cursor = java.util.OptionalLong.of(page.get(page.size() - 1).seq());
    }
    throw new AssertionError("paging did not end");
  }

  @Test
  void findEntries_pagesPastManyEventsWithTheSameTime() {
    List<AuditEvent> events = new ArrayList<>();
    List<String> newestFirst = new ArrayList<>();
    for (int i = 0; i < 23; i++) {
      String id = String.format("s%02d", i);
      events.add(event(id, T0, practice, i % 3 == 0 ? bob : alice));
      newestFirst.add(0, id);
    }
    appendAll(events.subList(0, 10));
    appendAll(events.subList(10, 23));
    append(store, event("other", T0, otherPractice, alice));

    List<List<String>> pages = pagesBySeq(Optional.empty(), 5);

    assertThat(pages).hasSize(5);
    assertThat(pages.subList(0, 4)).allSatisfy(p -> assertThat(p).hasSize(5));
    assertThat(pages.stream().flatMap(List::stream).toList())
        .as("every event once, highest seq first, though all share one instant")
        .containsExactlyElementsOf(newestFirst);
    assertThat(find(Optional.empty(), Optional.of(T0), 500))
        .as("the time cursor cannot page within one instant").isEmpty();
  }

  @Test
  void findEntries_bySubject_pagesOnlyThatUsersEvents() {
    List<AuditEvent> events = new ArrayList<>();
    List<String> alices = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      String id = String.format("u%02d", i);
      UserId who = i % 2 == 0 ? alice : bob;
      events.add(event(id, T0, practice, who));
      if (who.equals(alice)) {
        alices.add(0, id);
      }
    }
    appendAll(events);

    List<List<String>> pages = pagesBySeq(Optional.of(alice), 4);

    assertThat(pages).hasSize(2);
    assertThat(pages.stream().flatMap(List::stream).toList()).containsExactlyElementsOf(alices);
  }

  @Test
  void findEntries_carriesEachEntrysSeq_andHonoursTheTimeBound() {
    appendAll(List.of(event("early", T0.minusSeconds(5), practice, alice),
        event("late", T0.plusSeconds(5), practice, alice)));

    List<dev.mfa4j.spi.AuditEntry> all = store.audit().findEntries(
        AuditQuery.bySeq(practice, Optional.empty(), java.util.OptionalLong.empty(), 10));
    List<dev.mfa4j.spi.AuditEntry> beforeT0 = store.audit().findEntries(new AuditQuery(practice,
        Optional.empty(), Optional.of(T0), java.util.OptionalLong.empty(), 10));

    assertThat(all).extracting(dev.mfa4j.spi.AuditEntry::seq).containsExactly(2L, 1L);
    assertThat(all).allSatisfy(e -> assertThat(e.intact()).isTrue());
    assertThat(beforeT0).extracting(e -> e.event().id())
        .containsExactly(practice.value() + "-early");
  }
}
