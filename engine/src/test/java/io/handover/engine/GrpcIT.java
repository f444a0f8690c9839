package io.handover.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.grpc.testing.protobuf.SimpleRequest;
import io.grpc.testing.protobuf.SimpleResponse;
import io.grpc.testing.protobuf.SimpleServiceGrpc;
import io.handover.api.VersionState;
import io.handover.engine.config.HandoverConfig;
import io.handover.engine.support.ProxyFixture;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A real grpc-java client and servers through the proxy: h2c on both sides, trailers, grpc-status as the outcome. */
class GrpcIT {

  private final List<Server> servers = new ArrayList<>();
  private ProxyFixture proxy;
  private ManagedChannel channel;

  @BeforeEach
  void start() throws Exception {
    HandoverConfig c = HandoverConfig.ephemeral();
    proxy = new ProxyFixture(c.withListeners(c.proxy().withH2c(true), c.admin()));
    channel = NettyChannelBuilder.forAddress("127.0.0.1", proxy.proxyPort()).usePlaintext().build();
  }

  @AfterEach
  void stop() throws Exception {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    proxy.close();
    for (Server s : servers) {
      s.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  /** A server of the SimpleService answering "<label>: <request>", or failing every unary call with {@code failure}. */
  private String server(String label, Status failure) throws Exception {
    Server s = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .addService(new SimpleServiceGrpc.SimpleServiceImplBase() {
          @Override
          public void unaryRpc(SimpleRequest request, StreamObserver<SimpleResponse> answer) {
            if (failure != null) {
              answer.onError(failure.asRuntimeException());
              return;
            }
            answer.onNext(SimpleResponse.newBuilder().setResponseMessage(label + ": " + request.getRequestMessage()).build());
            answer.onCompleted();
          }

          @Override
          public void serverStreamingRpc(SimpleRequest request, StreamObserver<SimpleResponse> answer) {
            for (int i = 0; i < 50; i++) {
              answer.onNext(SimpleResponse.newBuilder().setResponseMessage(label + " #" + i + " " + "x".repeat(i * 100)).build());
            }
            if (request.getRequestMessage().equals("fail at the end")) {
              answer.onError(Status.DATA_LOSS.withDescription("cut").asRuntimeException());
              return;
            }
            answer.onCompleted();
          }

          @Override
          public StreamObserver<SimpleRequest> bidiStreamingRpc(StreamObserver<SimpleResponse> answer) {
            return new StreamObserver<>() {
              @Override
              public void onNext(SimpleRequest r) {
                answer.onNext(SimpleResponse.newBuilder().setResponseMessage(label + " echo " + r.getRequestMessage()).build());
              }

              @Override
              public void onError(Throwable t) {
                // the client went away: nothing to answer
              }

              @Override
              public void onCompleted() {
                answer.onCompleted();
              }
            };
          }
        })
        .build().start();
    servers.add(s);
    return "{\"hostname\":\"127.0.0.1\",\"port\":" + s.getPort() + "}";
  }

  private SimpleServiceGrpc.SimpleServiceBlockingStub stub() {
    return SimpleServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
  }

  private static SimpleRequest request(String text) {
    return SimpleRequest.newBuilder().setRequestMessage(text).build();
  }

  @Test
  void aUnaryCallGoesThroughOverHttp2WithItsTrailers() throws Exception {
    // the version speaks HTTP/1.1 by default: gRPC calls still reach it in HTTP/2 (h2c)
    String id = proxy.addVersionOn("1.0", null, null, server("v1", null));
    for (int i = 0; i < 5; i++) {
      assertThat(stub().unaryRpc(request("hello " + i)).getResponseMessage()).isEqualTo("v1: hello " + i);
    }
    assertThat(proxy.status(id).get("recent").get("requests").asInt()).isEqualTo(5);
    assertThat(proxy.status(id).get("recent").get("failures").asInt()).isZero();
  }

  @Test
  void aServerErrorStatusIsPassedOnAndCountsAsAFailure() throws Exception {
    String id = proxy.addVersionOn("1.0", null, "\"protocol\":\"h2c\"", server("v1", Status.INTERNAL.withDescription("broken")));
    assertThatThrownBy(() -> stub().unaryRpc(request("x")))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INTERNAL);
          assertThat(e.getStatus().getDescription()).isEqualTo("broken");
        });
    assertThat(proxy.status(id).get("recent").get("failures").asInt()).isEqualTo(1);
  }

  @Test
  void aNewVersionAnsweringUnavailableFailsOverAndIsRolledBack() throws Exception {
    proxy.addVersionOn("1.0", null, null, server("v1", null));
    String id2 = proxy.addVersionOn("2.0", null, "\"rollback\":{\"windowSeconds\":30,\"minRequests\":10,\"maxFailureRate\":0.5}",
        server("v2", Status.UNAVAILABLE.withDescription("not ready")));
    for (int i = 0; i < 20; i++) {
      // every call is answered, by the older version
      assertThat(stub().unaryRpc(request("call " + i)).getResponseMessage()).isEqualTo("v1: call " + i);
    }
    Awaitility.await().atMost(Duration.ofSeconds(10))
        .until(() -> proxy.handover().registry().find(id2).orElseThrow().rollout().state() == VersionState.ROLLED_BACK);
  }

  @Test
  void aBidiStreamPassesThroughWithoutWaitingForTheClientsEnd() throws Exception {
    proxy.addVersionOn("1.0", null, null, server("v1", null));
    java.util.concurrent.BlockingQueue<String> got = new java.util.concurrent.LinkedBlockingQueue<>();
    StreamObserver<SimpleRequest> out = SimpleServiceGrpc.newStub(channel).withDeadlineAfter(20, TimeUnit.SECONDS)
        .bidiStreamingRpc(new StreamObserver<>() {
          @Override
          public void onNext(SimpleResponse r) {
            got.add(r.getResponseMessage());
          }

          @Override
          public void onError(Throwable t) {
            got.add("error " + t);
          }

          @Override
          public void onCompleted() {
            got.add("done");
          }
        });
    for (int i = 0; i < 3; i++) {
      // each message is answered while the client's side of the stream is still open
      out.onNext(request("m" + i));
      assertThat(got.poll(5, TimeUnit.SECONDS)).isEqualTo("v1 echo m" + i);
    }
    out.onCompleted();
    assertThat(got.poll(5, TimeUnit.SECONDS)).isEqualTo("done");
  }

  @Test
  void aStreamThatEndsInAServerErrorKeepsItsMessagesAndCountsAsAFailure() throws Exception {
    String id = proxy.addVersionOn("1.0", null, "\"protocol\":\"h2c\"", server("v1", null));
    Iterator<SimpleResponse> answers = stub().serverStreamingRpc(request("fail at the end"));
    int n = 0;
    try {
      while (answers.hasNext()) {
        answers.next();
        n++;
      }
      throw new AssertionError("the stream ended without its error");
    } catch (StatusRuntimeException e) {
      assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.DATA_LOSS);
    }
    assertThat(n).isEqualTo(50);
    Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> proxy.status(id).get("recent").get("failures").asInt() == 1);
  }

  @Test
  void aServerStreamingCallPassesThroughIntact() throws Exception {
    proxy.addVersionOn("1.0", null, "\"protocol\":\"h2c\"", server("v1", null));
    Iterator<SimpleResponse> answers = stub().serverStreamingRpc(request("stream"));
    int n = 0;
    while (answers.hasNext()) {
      assertThat(answers.next().getResponseMessage()).isEqualTo("v1 #" + n + " " + "x".repeat(n * 100));
      n++;
    }
    assertThat(n).isEqualTo(50);
  }
}
