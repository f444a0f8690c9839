package io.handover.engine;

import io.undertow.Undertow;
import java.lang.reflect.Field;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xnio.IoUtils;
import org.xnio.StreamConnection;
import org.xnio.channels.AcceptingChannel;

/**
 * Closes the listening sockets of a running Undertow server, leaving its open connections be.
 * Undertow can only suspend accepting, which keeps the socket and lets the kernel queue
 * connections that are reset when it finally closes; closed, the kernel sends new connections to
 * another socket bound to the same port ({@code SO_REUSEPORT}), a successor's. Undertow keeps the
 * channel in a private field of its listener info, read here once per stop.
 */
final class Listeners {

  private static final Logger log = LoggerFactory.getLogger(Listeners.class);

  private Listeners() {}

  static void stopAccepting(Undertow server) {
    for (Undertow.ListenerInfo info : server.getListenerInfo()) {
      try {
        Field f = Undertow.ListenerInfo.class.getDeclaredField("channel");
        f.setAccessible(true);
        @SuppressWarnings("unchecked")
        AcceptingChannel<? extends StreamConnection> channel = (AcceptingChannel<? extends StreamConnection>) f.get(info);
        channel.suspendAccepts();
        IoUtils.safeClose(channel);
      } catch (ReflectiveOperationException | RuntimeException e) {
        // an Undertow without the field: stop accepting, the socket closes with the server
        log.debug("cannot close the listener {} early: {}", info.getAddress(), e.toString());
        info.suspend();
      }
    }
  }
}
