package dev.mailpath.diag.assertj;

import dev.mailpath.diag.smtp.DeliveryPathReport;
import dev.mailpath.diag.smtp.DeliveryStage;

/**
 * Assertions on a {@link DeliveryPathReport}; obtain through {@link
 * DiagAssertions#assertThat(DeliveryPathReport)}. Failure messages print the whole report. Not
 * final, so that AssertJ soft assertions can proxy it.
 */
public class DeliveryPathReportAssert
    extends AbstractDiagnosticReportAssert<DeliveryPathReportAssert, DeliveryPathReport> {

  /**
   * Creates the assertion; public so that soft assertions can proxy it.
   *
   * @param actual the report
   */
  public DeliveryPathReportAssert(DeliveryPathReport actual) {
    super(actual, DeliveryPathReportAssert.class);
  }

  /**
   * Verifies that an exchange accepted the recipient.
   *
   * @return this assertion
   */
  public DeliveryPathReportAssert isDelivered() {
    isNotNull();
    if (!actual.delivered()) {
      failWithMessage(
          "%nExpecting%n  %s%nbut was%n  %s%nin report:%n%s",
          "delivered", "not delivered (" + actual.stage() + ")", actual);
    }
    return myself;
  }

  /**
   * Verifies that no exchange accepted the recipient.
   *
   * @return this assertion
   */
  public DeliveryPathReportAssert isNotDelivered() {
    isNotNull();
    if (actual.delivered()) {
      failWithMessage(
          "%nExpecting%n  %s%nbut was%n  %s%nin report:%n%s", "not delivered", "delivered", actual);
    }
    return myself;
  }

  /**
   * Verifies the stage the delivery path reached.
   *
   * @param expected the expected stage
   * @return this assertion
   */
  public DeliveryPathReportAssert hasStage(DeliveryStage expected) {
    isNotNull();
    java.util.Objects.requireNonNull(expected, "expected");
    if (actual.stage() != expected) {
      failWithMessage(
          "%nExpecting%n  %s%nbut was%n  %s%nin report:%n%s", expected, actual.stage(), actual);
    }
    return myself;
  }
}
