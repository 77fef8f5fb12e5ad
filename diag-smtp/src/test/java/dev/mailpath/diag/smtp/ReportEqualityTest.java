package dev.mailpath.diag.smtp;

import nl.jqno.equalsverifier.EqualsVerifier;
import nl.jqno.equalsverifier.Warning;
import org.junit.jupiter.api.Test;

/**
 * Reports are values: equal when every field is, with a hash code that agrees. Builders never leave
 * a field null, so null fields are not part of the contract.
 */
class ReportEqualityTest {

  @Test
  void smtpReport_equalsAndHashCode() {
    EqualsVerifier.forClass(SmtpReport.class).suppress(Warning.NULL_FIELDS).verify();
  }

  @Test
  void relayReport_equalsAndHashCode() {
    EqualsVerifier.forClass(RelayReport.class).suppress(Warning.NULL_FIELDS).verify();
  }

  @Test
  void deliveryPathReport_equalsAndHashCode() {
    EqualsVerifier.forClass(DeliveryPathReport.class).suppress(Warning.NULL_FIELDS).verify();
  }
}
