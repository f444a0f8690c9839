package io.handover.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ResponseParserTest {

  private static final String FIXED = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nSet-Cookie: dynsoftup=abc.def; Path=/; HttpOnly\r\n\r\nhello";
  private static final String CHUNKED = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\nA\r\n0123456789\r\n0\r\nX-Trailer: 1\r\n\r\n";

  @Test
  void readsAContentLengthResponseInOnePiece() throws Exception {
    ResponseParser p = new ResponseParser(true);
    ByteBuffer buf = bytes(FIXED);
    assertThat(p.parse(buf)).isTrue();
    assertThat(buf.hasRemaining()).isFalse();
    assertThat(p.status()).isEqualTo(200);
    assertThat(p.bodyBytes()).isEqualTo(5);
    assertThat(p.setCookies()).containsExactly("dynsoftup=abc.def; Path=/; HttpOnly");
  }

  @Test
  void readsResponsesSplitAtEveryByte() throws Exception {
    for (String response : new String[] {FIXED, CHUNKED}) {
      ResponseParser p = new ResponseParser(false);
      byte[] all = response.getBytes(StandardCharsets.ISO_8859_1);
      boolean done = false;
      for (int i = 0; i < all.length; i++) {
        assertThat(done).as("done early at byte %d of %s", i, response).isFalse();
        done = p.parse(ByteBuffer.wrap(all, i, 1));
      }
      assertThat(done).isTrue();
      assertThat(p.bodyBytes()).isEqualTo(response == FIXED ? 5 : 15);
    }
  }

  @Test
  void stopsAtTheEndOfOneResponse() throws Exception {
    ResponseParser p = new ResponseParser(false);
    ByteBuffer buf = bytes(CHUNKED + FIXED);
    assertThat(p.parse(buf)).isTrue();
    assertThat(p.bodyBytes()).isEqualTo(15);
    p.reset();
    assertThat(p.parse(buf)).isTrue();
    assertThat(p.bodyBytes()).isEqualTo(5);
  }

  @Test
  void skipsInterimResponsesAndKnowsBodilessOnes() throws Exception {
    ResponseParser p = new ResponseParser(false);
    assertThat(p.parse(bytes("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n"))).isTrue();
    assertThat(p.status()).isEqualTo(204);
    assertThat(p.close()).isTrue();
  }

  @Test
  void rejectsUnframedAndMalformedResponses() {
    assertThatThrownBy(() -> new ResponseParser(false).parse(bytes("HTTP/1.1 200 OK\r\n\r\nbody")))
        .isInstanceOf(ResponseParser.ProtocolException.class);
    assertThatThrownBy(() -> new ResponseParser(false).parse(bytes("SSH-2.0-OpenSSH\r\n\r\n")))
        .isInstanceOf(ResponseParser.ProtocolException.class);
    assertThatThrownBy(() -> new ResponseParser(false).parse(bytes("HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n")))
        .isInstanceOf(ResponseParser.ProtocolException.class);
  }

  private static ByteBuffer bytes(String s) {
    return ByteBuffer.wrap(s.getBytes(StandardCharsets.ISO_8859_1));
  }
}
