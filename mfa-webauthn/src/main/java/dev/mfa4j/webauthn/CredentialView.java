package dev.mfa4j.webauthn;

import com.yubico.webauthn.CredentialRepository;
import com.yubico.webauthn.RegisteredCredential;
import com.yubico.webauthn.data.ByteArray;
import com.yubico.webauthn.data.PublicKeyCredentialDescriptor;
import dev.mfa4j.spi.FactorRecord;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Yubico's {@link CredentialRepository} over one user's stored passkeys, built for one call. Yubico
 * calls its repository outside our {@code FactorContext}, so each ceremony step gets a view holding
 * exactly the records the provider read through the context: nothing of another user is reachable,
 * and every lookup filters by credential id <em>and</em> user handle.
 *
 * <p>The "username" Yubico asks about is an opaque key of this view (the host's user id never
 * leaves the server; the browser sees only the random user handle).
 */
final class CredentialView implements CredentialRepository {
  private final String username;
  private final List<FactorRecord> credentials;
  private final Optional<FactorRecord> target;

  /**
   * @param username the key Yubico will ask about
   * @param credentials the user's registered passkeys usable in this step
   * @param target the credential the browser answered with, if known (its user handle is the
   *     user's handle for this step)
   */
  CredentialView(String username, List<FactorRecord> credentials, Optional<FactorRecord> target) {
    this.username = username;
    this.credentials = List.copyOf(credentials);
    this.target = target;
  }

  @Override
  public Set<PublicKeyCredentialDescriptor> getCredentialIdsForUsername(String name) {
    if (!username.equals(name)) {
      return Set.of();
    }
    return credentials.stream().map(Attributes::descriptor)
        .collect(Collectors.toCollection(LinkedHashSet::new));
  }

  @Override
  public Optional<ByteArray> getUserHandleForUsername(String name) {
    if (!username.equals(name)) {
      return Optional.empty();
    }
    return target.or(() -> credentials.stream().findFirst()).flatMap(Attributes::userHandle);
  }

  @Override
  public Optional<String> getUsernameForUserHandle(ByteArray userHandle) {
    return credentials.stream()
        .anyMatch(r -> Attributes.userHandle(r).filter(userHandle::equals).isPresent())
        ? Optional.of(username) : Optional.empty();
  }

  @Override
  public Optional<RegisteredCredential> lookup(ByteArray credentialId, ByteArray userHandle) {
    return credentials.stream()
        .filter(r -> Attributes.credentialId(r).filter(credentialId::equals).isPresent())
        .filter(r -> Attributes.userHandle(r).filter(userHandle::equals).isPresent())
        .findFirst()
        .map(CredentialView::registered);
  }

  @Override
  public Set<RegisteredCredential> lookupAll(ByteArray credentialId) {
    return credentials.stream()
        .filter(r -> Attributes.credentialId(r).filter(credentialId::equals).isPresent())
        .map(CredentialView::registered)
        .collect(Collectors.toSet());
  }

  static RegisteredCredential registered(FactorRecord r) {
    return RegisteredCredential.builder()
        .credentialId(Attributes.credentialId(r).orElseThrow())
        .userHandle(Attributes.userHandle(r).orElseThrow())
        .publicKeyCose(Attributes.publicKey(r).orElseThrow())
        .signatureCount(Math.max(0, r.counter()))
        .backupEligible(Attributes.flag(r, Attributes.BACKUP_ELIGIBLE))
        .backupState(Attributes.flag(r, Attributes.BACKED_UP))
        .build();
  }
}
