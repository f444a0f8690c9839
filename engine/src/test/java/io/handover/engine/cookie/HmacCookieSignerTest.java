package io.handover.engine.cookie;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HmacCookieSignerTest {

  private final HmacCookieSigner signer = HmacCookieSigner.fromSecret("0123456789abcdef-secret");

  @Test
  void roundTrips() {
    String value = signer.sign("id-1:1700000000");
    assertThat(value).startsWith("id-1:1700000000.").doesNotContain(" ", ";", ",", "=");
    assertThat(signer.verify(value)).hasValue("id-1:1700000000");
  }

  @Test
  void rejectsTamperingAndGarbage() {
    String value = signer.sign("id-1:1700000000");
    assertThat(signer.verify(value.replace("id-1", "id-2"))).isEmpty();
    assertThat(signer.verify(value.substring(0, value.length() - 1) + "A")).isEmpty();
    assertThat(signer.verify("nodot")).isEmpty();
    assertThat(signer.verify(".")).isEmpty();
    assertThat(signer.verify(null)).isEmpty();
  }

  @Test
  void instancesWithTheSameKeyAgreeAndOthersDoNot() {
    String value = signer.sign("x");
    assertThat(HmacCookieSigner.fromSecret("0123456789abcdef-secret").verify(value)).hasValue("x");
    assertThat(HmacCookieSigner.random().verify(value)).isEmpty();
  }
}
