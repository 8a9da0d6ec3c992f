package dev.mfa4j.tck;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mfa4j.PracticeId;
import dev.mfa4j.UserId;
import dev.mfa4j.spi.DeviceRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The contract of {@link dev.mfa4j.spi.DeviceStore}; extend it and supply a store. */
public abstract class DeviceStoreContract extends StoreContractSupport {

  private DeviceRecord device(PracticeId p, UserId user, Instant created) {
    return new DeviceRecord("dev-" + unique(), p, user, hash32(), "Firefox 130 on Linux",
        "2001:db8::1", created, created.plus(Duration.ofDays(30)), created);
  }

  @Test
  void insert_thenFindByTokenHash_roundTripsEveryField() {
    DeviceRecord d = new DeviceRecord("dev-" + unique(), practice, alice, hash32(),
        "Safari 18 on macOS — ünïcode", "203.0.113.7", T0, T0.plus(Duration.ofDays(365)),
        T0.plusSeconds(1));
    store.devices().insert(d);

    DeviceRecord got = store.devices().findByTokenHash(d.tokenHash()).orElseThrow();

    assertThat(got.id()).isEqualTo(d.id());
    assertThat(got.practice()).isEqualTo(practice);
    assertThat(got.user()).isEqualTo(alice);
    assertSameBytes(got.tokenHash(), d.tokenHash());
    assertThat(got.label()).isEqualTo(d.label());
    assertThat(got.ip()).isEqualTo("203.0.113.7");
    assertThat(got.created()).isEqualTo(T0);
    assertThat(got.expires()).isEqualTo(T0.plus(Duration.ofDays(365)));
    assertThat(got.lastSeen()).isEqualTo(T0.plusSeconds(1));
  }

  @Test
  void findByTokenHash_unknownHash_isEmpty() {
    store.devices().insert(device(practice, alice, T0));

    assertThat(store.devices().findByTokenHash(hash32())).isEmpty();
  }

  @Test
  void touch_setsLastSeen_andReportsMissingDevices() {
    DeviceRecord d = device(practice, alice, T0);
    store.devices().insert(d);

    assertThat(store.devices().touch(d.id(), T0.plus(Duration.ofHours(2)))).isTrue();
    assertThat(store.devices().findByTokenHash(d.tokenHash()).orElseThrow().lastSeen())
        .isEqualTo(T0.plus(Duration.ofHours(2)));
    assertThat(store.devices().touch("dev-" + unique(), T0)).isFalse();
  }

  @Test
  void list_returnsOnlyTheOwnersDevices_newestFirst() {
    DeviceRecord old = device(practice, alice, T0);
    DeviceRecord mid = device(practice, alice, T0.plusSeconds(60));
    DeviceRecord recent = device(practice, alice, T0.plusSeconds(120));
    store.devices().insert(mid);
    store.devices().insert(old);
    store.devices().insert(recent);
    store.devices().insert(device(practice, bob, T0));
    store.devices().insert(device(otherPractice, alice, T0));

    List<DeviceRecord> list = store.devices().list(practice, alice);

    assertThat(list).extracting(DeviceRecord::id).containsExactly(recent.id(), mid.id(), old.id());
  }

  @Test
  void delete_removesOnlyTheOwnersDevice() {
    DeviceRecord d = device(practice, alice, T0);
    store.devices().insert(d);

    assertThat(store.devices().delete(practice, bob, d.id())).isFalse();
    assertThat(store.devices().delete(otherPractice, alice, d.id())).isFalse();
    assertThat(store.devices().findByTokenHash(d.tokenHash())).isPresent();
    assertThat(store.devices().delete(practice, alice, d.id())).isTrue();
    assertThat(store.devices().findByTokenHash(d.tokenHash())).isEmpty();
    assertThat(store.devices().delete(practice, alice, d.id())).isFalse();
  }

  @Test
  void deleteAll_removesEveryDeviceOfTheUser_andNoOtherUsers() {
    store.devices().insert(device(practice, alice, T0));
    store.devices().insert(device(practice, alice, T0.plusSeconds(1)));
    DeviceRecord bobs = device(practice, bob, T0);
    store.devices().insert(bobs);

    assertThat(store.devices().deleteAll(practice, alice)).isEqualTo(2);
    assertThat(store.devices().list(practice, alice)).isEmpty();
    assertThat(store.devices().findByTokenHash(bobs.tokenHash())).isPresent();
  }

  /** Long before {@link #T0}: only the purge tests make devices that expire so early. */
  private static final Instant LONG_AGO = T0.minus(Duration.ofDays(4000));

  private DeviceRecord expiring(UserId user, Instant expires) {
    DeviceRecord d = new DeviceRecord("dev-" + unique(), practice, user, hash32(), "Firefox",
        "192.0.2.1", expires.minus(Duration.ofDays(30)), expires, expires.minus(Duration.ofDays(1)));
    store.devices().insert(d);
    return d;
  }

  @Test
  void purgeExpired_deletesExpiredDevicesOfEveryUser_keepsLiveOnes() {
    DeviceRecord a = expiring(alice, LONG_AGO);
    DeviceRecord b = expiring(bob, LONG_AGO.plusSeconds(1));
    DeviceRecord edge = expiring(alice, LONG_AGO.plusSeconds(60));
    DeviceRecord live = device(practice, alice, T0);
    store.devices().insert(live);

    assertThat(store.devices().purgeExpired(LONG_AGO.plusSeconds(60), 100)).isEqualTo(2);

    assertThat(store.devices().findByTokenHash(a.tokenHash())).isEmpty();
    assertThat(store.devices().findByTokenHash(b.tokenHash())).isEmpty();
    assertThat(store.devices().list(practice, bob)).isEmpty();
    assertThat(store.devices().list(practice, alice)).extracting(DeviceRecord::id)
        .containsExactlyInAnyOrder(edge.id(), live.id());
  }

  @Test
  void purgeExpired_deletesAtMostTheLimit_soonestExpiredFirst() {
    List<DeviceRecord> old = new java.util.ArrayList<>();
    for (int i = 0; i < 5; i++) {
      old.add(expiring(alice, LONG_AGO.plusSeconds(i)));
    }
    Instant cut = LONG_AGO.plusSeconds(10);

    assertThat(store.devices().purgeExpired(cut, 2)).isEqualTo(2);
    assertThat(store.devices().findByTokenHash(old.get(0).tokenHash())).isEmpty();
    assertThat(store.devices().findByTokenHash(old.get(2).tokenHash())).isPresent();
    assertThat(store.devices().purgeExpired(cut, 2)).isEqualTo(2);
    assertThat(store.devices().purgeExpired(cut, 2)).isEqualTo(1);
    assertThat(store.devices().list(practice, alice)).isEmpty();
  }
}
