package dev.mfa4j.spring.security;

import dev.mfa4j.AccountSecurity;
import dev.mfa4j.Assurance;
import dev.mfa4j.BackupCodes;
import dev.mfa4j.ChallengeId;
import dev.mfa4j.ClientSignal;
import dev.mfa4j.EnrollmentOutcome;
import dev.mfa4j.EnrollmentStart;
import dev.mfa4j.FactorId;
import dev.mfa4j.FactorKind;
import dev.mfa4j.FactorSummary;
import dev.mfa4j.Answer;
import dev.mfa4j.Password;
import dev.mfa4j.PasswordCheck;
import dev.mfa4j.RememberedDevice;
import dev.mfa4j.RequestContext;
import java.util.List;
import java.util.Map;

/**
 * An account whose changes are confirmed with the password the user typed into mfa4j's password
 * prompt in this very request: the overloads without a password call the engine's password
 * overloads with it, so the engine checks it (throttled, audited, counted like a wrong code). The
 * password is never kept beyond the request.
 */
final class PasswordConfirmedAccount implements AccountSecurity {
  private final AccountSecurity account;
  private final Password password;

  PasswordConfirmedAccount(AccountSecurity account, Password password) {
    this.account = account;
    this.password = password;
  }

  @Override
  public AccountSecurity confirmedBy(Assurance assurance) {
    return new PasswordConfirmedAccount(account.confirmedBy(assurance), password);
  }

  @Override
  public List<Advice> advice() {
    return account.advice();
  }

  @Override
  public List<ClientSignal> signals(ClientSignal.Names names) {
    return account.signals(names);
  }

  @Override
  public boolean twoFactorEnabled() {
    return account.twoFactorEnabled();
  }

  @Override
  public List<FactorSummary> factors() {
    return account.factors();
  }

  @Override
  public EnrollmentStart beginEnrollment(FactorKind kind, String label, Password password,
      Map<String, String> parameters, RequestContext request) {
    return account.beginEnrollment(kind, label, password, parameters, request);
  }

  @Override
  public EnrollmentStart beginEnrollment(FactorKind kind, String label,
      Map<String, String> parameters, RequestContext request) {
    return account.beginEnrollment(kind, label, password, parameters, request);
  }

  @Override
  public EnrollmentOutcome confirmEnrollment(ChallengeId ceremony, Answer answer,
      RequestContext request) {
    return account.confirmEnrollment(ceremony, answer, request);
  }

  @Override
  public void rename(FactorId factor, String label, RequestContext request) {
    account.rename(factor, label, request);
  }

  @Override
  public List<ClientSignal> remove(FactorId factor, Password password, RequestContext request) {
    return account.remove(factor, password, request);
  }

  @Override
  public List<ClientSignal> remove(FactorId factor, RequestContext request) {
    return account.remove(factor, password, request);
  }

  @Override
  public BackupCodes regenerateBackupCodes(Password password, RequestContext request) {
    return account.regenerateBackupCodes(password, request);
  }

  @Override
  public BackupCodes regenerateBackupCodes(RequestContext request) {
    return account.regenerateBackupCodes(password, request);
  }

  @Override
  public int backupCodesRemaining() {
    return account.backupCodesRemaining();
  }

  @Override
  public void disableTwoFactor(Password password, RequestContext request) {
    account.disableTwoFactor(password, request);
  }

  @Override
  public void disableTwoFactor(RequestContext request) {
    account.disableTwoFactor(password, request);
  }

  @Override
  public List<RememberedDevice> rememberedDevices() {
    return account.rememberedDevices();
  }

  @Override
  public void revokeDevice(String deviceId, RequestContext request) {
    account.revokeDevice(deviceId, request);
  }

  @Override
  public void revokeAllDevices(RequestContext request) {
    account.revokeAllDevices(request);
  }

  @Override
  public PasswordCheck changePassword(Password current, Password next, RequestContext request) {
    return account.changePassword(current, next, request);
  }

  @Override
  public String toString() {
    return "PasswordConfirmedAccount[" + account + "]";
  }
}
