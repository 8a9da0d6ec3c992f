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
}
