package io.handover.engine.tls;

/** A certificate, key or CA file that cannot be used; the message is one line naming the file and the problem. */
public final class TlsFileException extends java.io.IOException {

  TlsFileException(java.nio.file.Path file, String problem) {
    super(file + ": " + problem);
  }

  TlsFileException(String source, String problem) {
    super(source + ": " + problem);
  }
}
