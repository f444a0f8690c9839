package io.handover.engine.store;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.concurrent.TimeUnit.MILLISECONDS;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.lease.LeaseKeepAliveResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.support.CloseableClient;
import io.etcd.jetcd.watch.WatchEvent;
import io.etcd.jetcd.watch.WatchResponse;
import io.grpc.stub.StreamObserver;
import io.handover.engine.config.ClusterJson;
import io.handover.engine.config.EtcdSettings;
import io.handover.engine.json.Json;
import io.handover.engine.json.JsonInputException;
import io.handover.engine.registry.ClusterConfig;
import io.handover.engine.registry.ClusterStore;
import java.io.Closeable;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the versions in etcd, shared by every instance configured with the same prefix. Keys under
 * the prefix: {@code versions} (the versions as a JSON array in the state file's format; every
 * change is a transaction on its mod revision), {@code cookie-identity} (an HMAC-SHA256 of a fixed
 * text with the cookie secret, so that instances with another secret refuse to start) and
 * {@code instances/<name>} (each live instance, held by a lease). See {@code docs/scale-out.md}.
 *
 * <p>One thread of its own watches the prefix, hands what other instances saved to the registry in
 * order, checks every half second that etcd answers, and after etcd was unreachable (or the watch
 * broke, e.g. on compaction) reads the prefix whole and watches again. Saves block the calling
 * worker for at most {@value #TIMEOUT_MILLIS} ms, and fail at once while etcd is known unreachable.
 */
public final class EtcdClusterStore implements ClusterStore, Closeable {

  private static final Logger log = LoggerFactory.getLogger(EtcdClusterStore.class);
  static final long TIMEOUT_MILLIS = 2000;
  /** The first call also sets up the connection (and loads the client's classes). */
  private static final long CONNECT_TIMEOUT_MILLIS = 10_000;
  private static final long CHECK_MILLIS = 500;
  /** How long the check waits for etcd before it counts as unreachable. */
  private static final long CHECK_TIMEOUT_MILLIS = 1000;
  private static final long LEASE_SECONDS = 10;
  private static final String IDENTITY_TEXT = "handover cookie identity";

  private final EtcdSettings settings;
  private final Client client;
  private final KV kv;
  private final ByteSequence prefix;
  private final ByteSequence versionsKey;
  private final String instancesPrefix;
  private final ScheduledExecutorService thread;
  /** The versions met last, by their JSON: one that did not change is the same config, so its live form stays. */
  private final Map<String, ClusterConfig> known = new ConcurrentHashMap<>();
  private final Map<String, JsonNode> instances = new ConcurrentHashMap<>();
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile boolean reachable = true;
  private volatile Instant unreachableSince;
  private volatile boolean watchBroken;
  private volatile long revision;
  private volatile String name;
  private Listener listener;
  private Watch.Watcher watcher;
  private byte[] member;
  private long leaseId;
  private CloseableClient keepAlive;

  private EtcdClusterStore(EtcdSettings settings, Client client) {
    this.settings = settings;
    this.client = client;
    this.kv = client.getKVClient();
    this.prefix = bytes(settings.prefix());
    this.versionsKey = bytes(settings.prefix() + "versions");
    this.instancesPrefix = settings.prefix() + "instances/";
    this.name = settings.name();
    this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "handover-etcd");
      t.setDaemon(true);
      return t;
    });
  }

  /**
   * Connects to etcd and checks the cookie secret against the one recorded under the prefix (the
   * first instance records it).
   *
   * @throws StoreRefusedException when etcd cannot be reached or the cookie secret differs
   */
  public static EtcdClusterStore connect(EtcdSettings settings, String cookieSecret) throws IOException {
    Client client = Client.builder().endpoints(settings.endpoints().toArray(String[]::new)).build();
    EtcdClusterStore store = new EtcdClusterStore(settings, client);
    try {
      store.checkIdentity(cookieSecret);
    } catch (IOException | RuntimeException e) {
      store.close();
      throw e instanceof StoreRefusedException r ? r : new StoreRefusedException(e.getMessage(), e);
    }
    return store;
  }

  private void checkIdentity(String cookieSecret) throws IOException {
    String keyName = settings.prefix() + "cookie-identity";
    ByteSequence key = bytes(keyName);
    String identity = identity(cookieSecret);
    TxnResponse r = call(kv.txn()
        .If(new Cmp(key, Cmp.Op.EQUAL, CmpTarget.version(0)))
        .Then(Op.put(key, bytes(identity), PutOption.DEFAULT))
        .Else(Op.get(key, GetOption.DEFAULT))
        .commit(), CONNECT_TIMEOUT_MILLIS);
    if (r.isSucceeded()) {
      log.info("recorded the cookie secret's identity at {}", keyName);
      return;
    }
    List<KeyValue> found = r.getGetResponses().get(0).getKvs();
    if (!found.isEmpty() && !found.get(0).getValue().toString(UTF_8).equals(identity)) {
      throw new StoreRefusedException("store.etcd: this instance's cookieSecret differs from the one the instances under "
          + settings.prefix() + " use (recorded at " + keyName + "); give every instance the same cookieSecret", null);
    }
  }

  /** The identity of a cookie secret: an HMAC of a fixed text, never the secret. */
  static String identity(String cookieSecret) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(cookieSecret.getBytes(UTF_8), "HmacSHA256"));
      return "hmac-sha256:" + HexFormat.of().formatHex(mac.doFinal(IDENTITY_TEXT.getBytes(UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available", e);
    }
  }

  @Override
  public List<ClusterConfig> load() throws IOException {
    return read().clusters();
  }

  @Override
  public Stored read() throws IOException {
    GetResponse r = call(kv.get(versionsKey));
    revision = Math.max(revision, r.getHeader().getRevision());
    return stored(r);
  }

  @Override
  public void save(List<ClusterConfig> clusters) throws IOException {
    save(clusters, read().revision());
  }

  @Override
  public long save(List<ClusterConfig> clusters, long basedOn) throws IOException {
    if (!reachable) {
      throw new Unreachable(describe() + " is unreachable since " + unreachableSince, null);
    }
    ArrayNode array = Json.MAPPER.createArrayNode();
    Map<String, ClusterConfig> saved = new LinkedHashMap<>();
    for (ClusterConfig c : clusters) {
      JsonNode node = Json.MAPPER.valueToTree(ClusterJson.toJson(c, true));
      array.add(node);
      saved.put(node.toString(), c);
    }
    TxnResponse r = call(kv.txn()
        .If(new Cmp(versionsKey, Cmp.Op.EQUAL, CmpTarget.modRevision(basedOn)))
        .Then(Op.put(versionsKey, ByteSequence.from(Json.MAPPER.writeValueAsBytes(array)), PutOption.DEFAULT))
        .Else(Op.get(versionsKey, GetOption.DEFAULT))
        .commit());
    if (!r.isSucceeded()) {
      throw new Conflict(stored(r.getGetResponses().get(0)));
    }
    remember(saved);
    revision = Math.max(revision, r.getHeader().getRevision());
    return r.getHeader().getRevision();
  }

  private Stored stored(GetResponse r) throws IOException {
    if (r.getKvs().isEmpty()) {
      return new Stored(List.of(), 0, false);
    }
    KeyValue found = r.getKvs().get(0);
    return new Stored(parse(found.getValue().getBytes()), found.getModRevision(), true);
  }

  private List<ClusterConfig> parse(byte[] value) throws IOException {
    JsonNode array;
    try {
      array = Json.MAPPER.readTree(value);
    } catch (IOException e) {
      throw new IOException(versionsKey.toString(UTF_8) + ": not JSON: " + e.getMessage(), e);
    }
    if (array == null || !array.isArray()) {
      throw new IOException(versionsKey.toString(UTF_8) + ": expected a JSON array of clusters");
    }
    List<ClusterConfig> clusters = new ArrayList<>();
    Map<String, ClusterConfig> met = new LinkedHashMap<>();
    for (int i = 0; i < array.size(); i++) {
      String text = array.get(i).toString();
      ClusterConfig c = known.get(text);
      if (c == null) {
        try {
          c = ClusterJson.parseBody(text.getBytes(UTF_8), System.currentTimeMillis());
        } catch (JsonInputException | NullPointerException e) {
          throw new IOException(versionsKey.toString(UTF_8) + ": [" + i + "]." + e.getMessage(), e);
        }
      }
      clusters.add(c);
      met.put(text, c);
    }
    remember(met);
    return clusters;
  }

  private void remember(Map<String, ClusterConfig> met) {
    if (known.size() > 4 * met.size() + 64) {
      known.clear();
    }
    known.putAll(met);
  }

  @Override
  public synchronized void follow(Listener listener) {
    this.listener = listener;
    long from = revision;
    thread.execute(() -> watchFrom(from));
    thread.scheduleWithFixedDelay(this::check, CHECK_MILLIS, CHECK_MILLIS, MILLISECONDS);
  }

  /**
   * Registers this instance under {@code instances/<name>} with a lease that ends when it stops.
   *
   * @param defaultName the name when {@code store.etcd.name} is not set
   */
  public void join(String defaultName, String proxyAddress, String adminAddress, String handoverVersion) throws IOException {
    if (name == null) {
      name = defaultName;
    }
    Map<String, Object> value = new LinkedHashMap<>();
    value.put("name", name);
    value.put("proxy", proxyAddress);
    value.put("admin", adminAddress);
    value.put("version", handoverVersion);
    value.put("startedAt", Instant.now().toString());
    byte[] json = Json.MAPPER.writeValueAsBytes(value);
    CompletableFuture<Void> done = new CompletableFuture<>();
    thread.execute(() -> {
      member = json;
      try {
        register();
        done.complete(null);
      } catch (IOException e) {
        done.completeExceptionally(e);
      }
    });
    call(done);
  }

  /** On the store's thread. */
  private void register() throws IOException {
    if (member == null) {
      return;
    }
    if (keepAlive != null) {
      keepAlive.close();
    }
    leaseId = call(client.getLeaseClient().grant(LEASE_SECONDS)).getID();
    call(kv.put(bytes(instancesPrefix + name), ByteSequence.from(member), PutOption.builder().withLeaseId(leaseId).build()));
    keepAlive = client.getLeaseClient().keepAlive(leaseId, new StreamObserver<LeaseKeepAliveResponse>() {
      @Override
      public void onNext(LeaseKeepAliveResponse value) {}

      @Override
      public void onError(Throwable t) {
        log.debug("the lease of instance {} could not be kept alive: {}", name, t.toString());
      }

      @Override
      public void onCompleted() {}
    });
    loadInstances();
  }

  private void loadInstances() throws IOException {
    GetResponse r = call(kv.get(bytes(instancesPrefix), GetOption.builder().isPrefix(true).build()));
    instances.clear();
    for (KeyValue found : r.getKvs()) {
      instance(found);
    }
  }

  private void instance(KeyValue found) {
    String key = found.getKey().toString(UTF_8);
    try {
      instances.put(key.substring(instancesPrefix.length()), Json.MAPPER.readTree(found.getValue().getBytes()));
    } catch (IOException e) {
      log.warn("{}: not JSON, ignored", key);
    }
  }

  /** On the store's thread. */
  private void watchFrom(long from) {
    if (watcher != null) {
      watcher.close();
    }
    WatchOption option = WatchOption.builder().isPrefix(true).withRevision(from + 1).build();
    watcher = client.getWatchClient().watch(prefix, option, Watch.listener(
        response -> thread.execute(() -> changed(response)),
        error -> thread.execute(() -> {
          log.warn("the watch on {} broke; reading it whole: {}", settings.prefix(), error.getMessage());
          watchBroken = true;
        })));
  }

  /** On the store's thread. */
  private void changed(WatchResponse response) {
    Stored latest = null;
    for (WatchEvent event : response.getEvents()) {
      KeyValue found = event.getKeyValue();
      String key = found.getKey().toString(UTF_8);
      boolean put = event.getEventType() == WatchEvent.EventType.PUT;
      if (key.equals(versionsKey.toString(UTF_8))) {
        try {
          latest = put ? new Stored(parse(found.getValue().getBytes()), found.getModRevision(), true)
              : new Stored(List.of(), found.getModRevision(), true);
        } catch (IOException e) {
          log.error("ignored what was saved at {}: {}", key, e.getMessage());
        }
      } else if (key.startsWith(instancesPrefix)) {
        if (put) {
          instance(found);
        } else {
          instances.remove(key.substring(instancesPrefix.length()));
        }
      }
    }
    revision = Math.max(revision, response.getHeader().getRevision());
    if (latest != null && listener != null) {
      listener.changed(latest);
    }
  }

  /** On the store's thread: is etcd there; after it was not, or the watch broke, read it whole. */
  private void check() {
    GetResponse r;
    try {
      r = call(kv.get(versionsKey), CHECK_TIMEOUT_MILLIS);
    } catch (IOException e) {
      if (reachable) {
        unreachableSince = Instant.now();
        reachable = false;
        log.warn("{}; serving the versions known, changes answer 503 until it is back", e.getMessage());
      }
      return;
    }
    if (reachable && !watchBroken) {
      return;
    }
    try {
      Stored whole = stored(r);
      long at = r.getHeader().getRevision();
      revision = Math.max(revision, at);
      watchFrom(at);
      watchBroken = false;
      boolean wasDown = !reachable;
      if (wasDown) {
        register();
      }
      reachable = true;
      log.info("{} {}: read {} versions at revision {}", describe(), wasDown ? "reached again after " + unreachableSince
          : "watched again", whole.clusters().size(), at);
      unreachableSince = null;
      if (listener != null) {
        listener.reconnected(whole);
      }
    } catch (IOException | RuntimeException e) {
      log.warn("could not read {} whole: {}", settings.prefix(), e.getMessage());
    }
  }

  @Override
  public String instanceName() {
    return name;
  }

  @Override
  public Map<String, Object> status() {
    Map<String, Object> status = new LinkedHashMap<>();
    status.put("kind", "etcd");
    status.put("endpoints", settings.endpoints());
    status.put("prefix", settings.prefix());
    status.put("instance", name);
    status.put("reachable", reachable);
    Instant since = unreachableSince;
    status.put("unreachableSince", since == null ? null : since.toString());
    status.put("revision", revision);
    status.put("instances", new ArrayList<>(new TreeMap<>(instances).values()));
    return status;
  }

  private String describe() {
    return "the etcd store (" + String.join(", ", settings.endpoints()) + ")";
  }

  private <T> T call(CompletableFuture<T> future) throws IOException {
    return call(future, TIMEOUT_MILLIS);
  }

  private <T> T call(CompletableFuture<T> future, long timeoutMillis) throws IOException {
    try {
      return future.get(timeoutMillis, MILLISECONDS);
    } catch (TimeoutException e) {
      future.cancel(true);
      throw new Unreachable(describe() + " did not answer within " + timeoutMillis + " ms", e);
    } catch (ExecutionException e) {
      throw new Unreachable(describe() + " cannot be reached: " + e.getCause().getMessage(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting for " + describe());
    }
  }

  private static ByteSequence bytes(String text) {
    return ByteSequence.from(text, UTF_8);
  }

  /** Leaves the instances (revoking the lease) and disconnects. */
  @Override
  public void close() {
    if (closed.getAndSet(true)) {
      return;
    }
    thread.shutdownNow();
    try {
      thread.awaitTermination(1, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (keepAlive != null) {
      keepAlive.close();
    }
    if (watcher != null) {
      watcher.close();
    }
    if (leaseId != 0 && reachable) {
      try {
        client.getLeaseClient().revoke(leaseId).get(1, TimeUnit.SECONDS);
      } catch (ExecutionException | TimeoutException e) {
        log.debug("could not revoke the lease of instance {}: {}", name, e.toString());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    client.close();
  }
}
