package dev.mfa4j.webauthn;

import dev.mfa4j.FactorId;
import dev.mfa4j.FactorKind;
import dev.mfa4j.spi.FactorContext;
import dev.mfa4j.spi.FactorRecord;
import dev.mfa4j.spi.FactorState;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;


/** The user's passkeys as the context lends them, and the shape of a refusal's details. */
final class Passkeys {
  /** The only "username" Yubico ever sees: each {@link CredentialView} holds one user. */
  static final String VIEW_USER = "user";

  private Passkeys() {}

  /** The user's records of this kind other than {@code self}, plus nothing of anyone else. */
  static List<FactorRecord> others(FactorContext ctx, FactorRecord self) {
    List<FactorRecord> out = new ArrayList<>();
    for (FactorRecord r : ctx.factorsOfKind()) {
      if (!r.id().equals(self.id()) && r.kind().equals(FactorKind.PASSKEY)
          && r.practice().equals(ctx.user().practice()) && r.user().equals(ctx.user().user())) {
        out.add(r);
      }
    }
    return out;
  }

  /** The user's active, registered passkeys, read once through the context. */
  static List<FactorRecord> active(FactorContext ctx) {
    return ctx.factorsOfKind().stream().filter(r -> r.state() == FactorState.ACTIVE
        && Attributes.isRegistered(r) && r.kind().equals(FactorKind.PASSKEY)
        && r.practice().equals(ctx.user().practice()) && r.user().equals(ctx.user().user()))
        .toList();
  }

  /** The record with {@code id} among {@code records}. */
  static Optional<FactorRecord> byId(List<FactorRecord> records, FactorId id) {
    return records.stream().filter(r -> r.id().equals(id)).findFirst();
  }

  static Map<String, String> reason(String reason) {
    return Map.of("reason", reason);
  }
}
