package io.handover.benchmarks;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * An incremental HTTP/1.1 response parser for the load client: feed it whatever bytes arrived, in
 * any split, and it says when one response is complete. It reads the status, {@code Content-Length},
 * {@code Transfer-Encoding: chunked}, {@code Connection: close} and {@code Set-Cookie}; bodies are
 * counted, not kept. Interim (1xx) responses are skipped.
 *
 * <p>A response without a length that is not chunked (a body ending at close) is rejected: every
 * server measured here sends one, and a missing length would hide a framing bug.
 */
final class ResponseParser {

  /** A response the parser cannot frame. */
  static final class ProtocolException extends Exception {
    ProtocolException(String message) {
      super(message);
    }
  }

  private static final int MAX_HEAD = 16 * 1024;
  private static final int MAX_LINE = 1024;

  private enum State { HEAD, BODY, CHUNK_SIZE, CHUNK_DATA, CHUNK_END, TRAILER, DONE }

  private final boolean collectCookies;
  private final String trackedHeader;
  private String trackedValue;
  private final byte[] head = new byte[MAX_HEAD];
  private int headLength;
  private State state = State.HEAD;
  private long remaining;

  private int status;
  private long contentLength;
  private boolean chunked;
  private boolean close;
  private long bodyBytes;
  private final List<String> setCookies = new ArrayList<>();

  ResponseParser(boolean collectCookies) {
    this(collectCookies, null);
  }

  /** A parser that also keeps the value of one header, named in lower case (null for none). */
  ResponseParser(boolean collectCookies, String trackedHeader) {
    this.collectCookies = collectCookies;
    this.trackedHeader = trackedHeader;
    reset();
  }

  /** Forgets the last response; call before parsing the next one. */
  void reset() {
    state = State.HEAD;
    headLength = 0;
    remaining = 0;
    status = 0;
    contentLength = -1;
    chunked = false;
    close = false;
    bodyBytes = 0;
    trackedValue = null;
    setCookies.clear();
  }

  /** Whether nothing of the current response has arrived yet. */
  boolean idle() {
    return state == State.HEAD && headLength == 0;
  }

  /**
   * Consumes bytes from {@code buf} (between position and limit) up to the end of the current
   * response.
   *
   * @return true when a whole response has been read; bytes after it stay in {@code buf}
   */
  boolean parse(ByteBuffer buf) throws ProtocolException {
    while (buf.hasRemaining()) {
      switch (state) {
        case HEAD -> {
          if (readLineInto(buf, true)) {
            onHead();
            if (state == State.DONE) {
              return true;
            }
          }
        }
        case BODY -> {
          int n = (int) Math.min(remaining, buf.remaining());
          buf.position(buf.position() + n);
          remaining -= n;
          bodyBytes += n;
          if (remaining == 0) {
            state = State.DONE;
            return true;
          }
        }
        case CHUNK_SIZE -> {
          if (readLineInto(buf, false)) {
            long size = chunkSize();
            headLength = 0;
            if (size == 0) {
              state = State.TRAILER;
            } else {
              remaining = size;
              state = State.CHUNK_DATA;
            }
          }
        }
        case CHUNK_DATA -> {
          int n = (int) Math.min(remaining, buf.remaining());
          buf.position(buf.position() + n);
          remaining -= n;
          bodyBytes += n;
          if (remaining == 0) {
            state = State.CHUNK_END;
          }
        }
        case CHUNK_END -> {
          if (readLineInto(buf, false)) {
            if (headLength != 2) {
              throw new ProtocolException("chunk data not followed by CRLF");
            }
            headLength = 0;
            state = State.CHUNK_SIZE;
          }
        }
        case TRAILER -> {
          if (readLineInto(buf, false)) {
            boolean empty = headLength == 2;
            headLength = 0;
            if (empty) {
              state = State.DONE;
              return true;
            }
          }
        }
        case DONE -> {
          return true;
        }
        default -> throw new IllegalStateException(state.toString());
      }
    }
    return state == State.DONE;
  }

  /**
   * Copies bytes into {@link #head} until the end of a line ({@code wholeHead}: until the blank line
   * ending the head). Returns true when it is there.
   */
  private boolean readLineInto(ByteBuffer buf, boolean wholeHead) throws ProtocolException {
    int limit = wholeHead ? MAX_HEAD : MAX_LINE;
    while (buf.hasRemaining()) {
      if (headLength == limit) {
        throw new ProtocolException(wholeHead ? "response head over " + MAX_HEAD + " bytes" : "line over " + MAX_LINE + " bytes");
      }
      byte b = buf.get();
      head[headLength++] = b;
      if (b == '\n') {
        if (!wholeHead) {
          return true;
        }
        if (headLength >= 4 && head[headLength - 2] == '\r' && head[headLength - 3] == '\n' && head[headLength - 4] == '\r') {
          return true;
        }
      }
    }
    return false;
  }

  private void onHead() throws ProtocolException {
    int end = headLength;
    int lineEnd = indexOf(head, 0, end);
    if (lineEnd < 12 || !startsWith(head, 0, "HTTP/1.")) {
      throw new ProtocolException("bad status line: " + text(0, Math.max(0, Math.min(lineEnd, 80))));
    }
    status = digit(head[9]) * 100 + digit(head[10]) * 10 + digit(head[11]);
    int pos = lineEnd + 2;
    while (pos < end - 2) {
      int eol = indexOf(head, pos, end);
      int colon = -1;
      for (int i = pos; i < eol; i++) {
        if (head[i] == ':') {
          colon = i;
          break;
        }
      }
      if (colon < 0) {
        throw new ProtocolException("header line without a colon");
      }
      header(pos, colon, colon + 1, eol);
      pos = eol + 2;
    }
    headLength = 0;
    if (status >= 100 && status < 200) {
      // an interim response: the real one follows
      int keep = status;
      reset();
      status = keep;
      return;
    }
    if (status == 204 || status == 304) {
      state = State.DONE;
    } else if (chunked) {
      state = State.CHUNK_SIZE;
    } else if (contentLength >= 0) {
      remaining = contentLength;
      state = contentLength == 0 ? State.DONE : State.BODY;
    } else {
      throw new ProtocolException("response without Content-Length or chunked encoding");
    }
  }

  private void header(int nameStart, int nameEnd, int valueStart, int valueEnd) throws ProtocolException {
    while (valueStart < valueEnd && (head[valueStart] == ' ' || head[valueStart] == '\t')) {
      valueStart++;
    }
    while (valueEnd > valueStart && (head[valueEnd - 1] == ' ' || head[valueEnd - 1] == '\t')) {
      valueEnd--;
    }
    if (nameIs(nameStart, nameEnd, "content-length")) {
      long n = 0;
      if (valueStart == valueEnd) {
        throw new ProtocolException("empty Content-Length");
      }
      for (int i = valueStart; i < valueEnd; i++) {
        int d = head[i] - '0';
        if (d < 0 || d > 9 || n > Long.MAX_VALUE / 10) {
          throw new ProtocolException("bad Content-Length: " + text(valueStart, valueEnd));
        }
        n = n * 10 + d;
      }
      if (contentLength >= 0 && contentLength != n) {
        throw new ProtocolException("two different Content-Length headers");
      }
      contentLength = n;
    } else if (nameIs(nameStart, nameEnd, "transfer-encoding")) {
      chunked = text(valueStart, valueEnd).toLowerCase(java.util.Locale.ROOT).contains("chunked");
    } else if (nameIs(nameStart, nameEnd, "connection")) {
      close = text(valueStart, valueEnd).toLowerCase(java.util.Locale.ROOT).contains("close");
    } else if (collectCookies && nameIs(nameStart, nameEnd, "set-cookie")) {
      setCookies.add(text(valueStart, valueEnd));
    } else if (trackedHeader != null && nameIs(nameStart, nameEnd, trackedHeader)) {
      trackedValue = text(valueStart, valueEnd);
    }
  }

  private long chunkSize() throws ProtocolException {
    long n = 0;
    int digits = 0;
    for (int i = 0; i < headLength; i++) {
      byte b = head[i];
      int d;
      if (b >= '0' && b <= '9') {
        d = b - '0';
      } else if (b >= 'a' && b <= 'f') {
        d = b - 'a' + 10;
      } else if (b >= 'A' && b <= 'F') {
        d = b - 'A' + 10;
      } else if (b == ';' || b == '\r' || b == ' ') {
        break;
      } else {
        throw new ProtocolException("bad chunk size");
      }
      if (++digits > 15) {
        throw new ProtocolException("chunk size too large");
      }
      n = n * 16 + d;
    }
    if (digits == 0) {
      throw new ProtocolException("empty chunk size");
    }
    return n;
  }

  private boolean nameIs(int start, int end, String lowerName) {
    if (end - start != lowerName.length()) {
      return false;
    }
    for (int i = 0; i < lowerName.length(); i++) {
      int c = head[start + i];
      if (c >= 'A' && c <= 'Z') {
        c += 'a' - 'A';
      }
      if (c != lowerName.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  private static int indexOf(byte[] bytes, int from, int end) {
    for (int i = from; i < end - 1; i++) {
      if (bytes[i] == '\r' && bytes[i + 1] == '\n') {
        return i;
      }
    }
    return end;
  }

  private static boolean startsWith(byte[] bytes, int from, String prefix) {
    for (int i = 0; i < prefix.length(); i++) {
      if (bytes[from + i] != prefix.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  private static int digit(byte b) throws ProtocolException {
    if (b < '0' || b > '9') {
      throw new ProtocolException("bad status code");
    }
    return b - '0';
  }

  private String text(int from, int to) {
    return new String(head, from, to - from, StandardCharsets.ISO_8859_1);
  }

  int status() {
    return status;
  }

  /** The body bytes read (after de-chunking). */
  long bodyBytes() {
    return bodyBytes;
  }

  /** Whether the server will close the connection after this response. */
  boolean close() {
    return close;
  }

  /** The value of the tracked header, or null when absent or not tracked. */
  String trackedValue() {
    return trackedValue;
  }

  /** The {@code Set-Cookie} values of the response, when collected. */
  List<String> setCookies() {
    return setCookies;
  }
}
