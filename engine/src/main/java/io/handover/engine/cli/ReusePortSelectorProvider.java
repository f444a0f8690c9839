package io.handover.engine.cli;

import java.io.IOException;
import java.net.ProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.channels.Channel;
import java.nio.channels.DatagramChannel;
import java.nio.channels.Pipe;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.spi.AbstractSelector;
import java.nio.channels.spi.SelectorProvider;

/**
 * The platform's selector provider, but every listening socket it opens has {@code SO_REUSEPORT}
 * set before it is bound: a successor process can then listen on the same ports while this one
 * still serves, and the kernel spreads new connections over both until this one closes its
 * listeners. XNIO opens its listeners through {@code ServerSocketChannel.open()} and offers no
 * such option of its own. Installed by {@link #install} as the JDK's provider before the first
 * channel is opened; needs {@code --add-exports java.base/sun.nio.ch=ALL-UNNAMED}, which
 * {@code bin/handover} passes, to reach the platform provider.
 */
public final class ReusePortSelectorProvider extends SelectorProvider {

  private static final String PROPERTY = "java.nio.channels.spi.SelectorProvider";

  private final SelectorProvider platform;

  public ReusePortSelectorProvider() {
    try {
      platform = (SelectorProvider) Class.forName("sun.nio.ch.DefaultSelectorProvider").getMethod("get").invoke(null);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("the platform selector provider cannot be reached: " + e, e);
    }
  }

  /**
   * Makes this the JDK's provider when the platform's can be reached and no other was chosen;
   * returns whether listening sockets will have {@code SO_REUSEPORT}. Call first thing in main.
   */
  public static boolean install() {
    if (System.getProperty(PROPERTY) != null) {
      return ReusePortSelectorProvider.class.getName().equals(System.getProperty(PROPERTY));
    }
    Module base = Object.class.getModule();
    if (!base.isExported("sun.nio.ch", ReusePortSelectorProvider.class.getModule())) {
      return false;
    }
    System.setProperty(PROPERTY, ReusePortSelectorProvider.class.getName());
    return SelectorProvider.provider() instanceof ReusePortSelectorProvider;
  }

  /** Whether this provider is the JDK's. */
  public static boolean installed() {
    return SelectorProvider.provider() instanceof ReusePortSelectorProvider;
  }

  @Override
  public ServerSocketChannel openServerSocketChannel() throws IOException {
    return reusePort(platform.openServerSocketChannel());
  }

  @Override
  public ServerSocketChannel openServerSocketChannel(ProtocolFamily family) throws IOException {
    return reusePort(platform.openServerSocketChannel(family));
  }

  private static ServerSocketChannel reusePort(ServerSocketChannel channel) throws IOException {
    if (channel.supportedOptions().contains(StandardSocketOptions.SO_REUSEPORT)) {
      channel.setOption(StandardSocketOptions.SO_REUSEPORT, true);
    }
    return channel;
  }

  @Override
  public DatagramChannel openDatagramChannel() throws IOException {
    return platform.openDatagramChannel();
  }

  @Override
  public DatagramChannel openDatagramChannel(ProtocolFamily family) throws IOException {
    return platform.openDatagramChannel(family);
  }

  @Override
  public Pipe openPipe() throws IOException {
    return platform.openPipe();
  }

  @Override
  public AbstractSelector openSelector() throws IOException {
    return platform.openSelector();
  }

  @Override
  public SocketChannel openSocketChannel() throws IOException {
    return platform.openSocketChannel();
  }

  @Override
  public SocketChannel openSocketChannel(ProtocolFamily family) throws IOException {
    return platform.openSocketChannel(family);
  }

  @Override
  public Channel inheritedChannel() throws IOException {
    return platform.inheritedChannel();
  }
}
