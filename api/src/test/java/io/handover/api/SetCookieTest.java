package io.handover.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SetCookieTest {

  @Test
  void stickyCookieHasTheSafeAttributes() {
    assertThat(SetCookie.sticky("dynsoftup", "abc.def", 60).headerValue())
        .isEqualTo("dynsoftup=abc.def; Max-Age=60; Path=/; HttpOnly; SameSite=Lax");
  }

  @Test
  void sessionCookieHasNoMaxAge() {
    assertThat(new SetCookie("a", "b", -1, "/x", false, true, null).headerValue()).isEqualTo("a=b; Path=/x; Secure");
  }
}
