package io.handover.engine.proxy;

/**
 * What one client may send and hold on to. See {@code docs/configuration.md} for each limit beside
 * nginx's and HAProxy's defaults.
 *
 * @param maxUriBytes the longest request target (path and query) accepted; longer ones get {@code 414}
 * @param maxHeaderLineBytes the longest single header line ({@code name: value}); longer gets {@code 431}
 * @param maxHeaderCount the most header lines in one request; more gets {@code 431}
 * @param maxHeaderBytes the most bytes of all header lines together; more gets {@code 431}
 * @param maxCookies the most cookies in one request's {@code Cookie} headers; more gets {@code 431}
 * @param headerReadTimeoutMillis how long a client may take to send a request head once it began;
 *     the connection is closed after that
 * @param keepAliveTimeoutMillis how long a kept-alive connection may sit idle between requests
 * @param bodyReadTimeoutMillis how long the body of a request may stop arriving before the client
 *     gets {@code 408} (or, once an answer started, the connection is closed)
 * @param sendTimeoutMillis how long a client may leave a response unread (its connection full)
 *     before it is cut off; never counted against the server
 * @param maxBufferedBodyBytesTotal the memory all held request bodies may take together; a body
 *     that would pass it is streamed instead of held (served, but not resent or mirrored); -1 for
 *     no limit
 * @param maxConnections the most client connections open at once; past it new ones wait in the
 *     listen backlog until others close
 * @param maxConnectionsPerClient the most connections one client address may have open at once,
 *     counted from a connection's first request until it closes; one more gets {@code 429} and is
 *     closed; 0 for no limit
 */
public record ClientLimits(
    int maxUriBytes,
    int maxHeaderLineBytes,
    int maxHeaderCount,
    int maxHeaderBytes,
    int maxCookies,
    int headerReadTimeoutMillis,
    int keepAliveTimeoutMillis,
    int bodyReadTimeoutMillis,
    int sendTimeoutMillis,
    long maxBufferedBodyBytesTotal,
    int maxConnections,
    int maxConnectionsPerClient) {

  public static final ClientLimits DEFAULT = new ClientLimits(8192, 8192, 100, 32 * 1024, 200, 30_000, 75_000, 60_000, 60_000, 256L * 1024 * 1024, 10_000, 0);

  public ClientLimits withTimeouts(int headerReadMillis, int keepAliveMillis, int bodyReadMillis, int sendMillis) {
    return new ClientLimits(maxUriBytes, maxHeaderLineBytes, maxHeaderCount, maxHeaderBytes, maxCookies, headerReadMillis,
        keepAliveMillis, bodyReadMillis, sendMillis, maxBufferedBodyBytesTotal, maxConnections, maxConnectionsPerClient);
  }

  public ClientLimits withMaxConnections(int connections) {
    return new ClientLimits(maxUriBytes, maxHeaderLineBytes, maxHeaderCount, maxHeaderBytes, maxCookies,
        headerReadTimeoutMillis, keepAliveTimeoutMillis, bodyReadTimeoutMillis, sendTimeoutMillis, maxBufferedBodyBytesTotal, connections, maxConnectionsPerClient);
  }

  public ClientLimits withMaxBufferedBodyBytesTotal(long bytes) {
    return new ClientLimits(maxUriBytes, maxHeaderLineBytes, maxHeaderCount, maxHeaderBytes, maxCookies,
        headerReadTimeoutMillis, keepAliveTimeoutMillis, bodyReadTimeoutMillis, sendTimeoutMillis, bytes, maxConnections, maxConnectionsPerClient);
  }

  public ClientLimits withMaxConnectionsPerClient(int connections) {
    return new ClientLimits(maxUriBytes, maxHeaderLineBytes, maxHeaderCount, maxHeaderBytes, maxCookies,
        headerReadTimeoutMillis, keepAliveTimeoutMillis, bodyReadTimeoutMillis, sendTimeoutMillis, maxBufferedBodyBytesTotal,
        maxConnections, connections);
  }
}
