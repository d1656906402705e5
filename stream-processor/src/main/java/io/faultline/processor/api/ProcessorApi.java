package io.faultline.processor.api;

import io.faultline.processor.analysis.RootCauseAnalyzer;
import io.faultline.schemas.registry.SchemaRegistry;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyDescription;

/**
 * Everything the processor serves over HTTP, wired to one {@link KafkaStreams} instance: the
 * API over its stores (local or forwarded), the incident feed, metrics and health. The engine's
 * main creates it next to the streams client:
 *
 * <pre>
 *   props.putAll(ProcessorApi.streamsProperties(api));      // application.server
 *   KafkaStreams streams = new KafkaStreams(topology, props);
 *   ProcessorApi http = ProcessorApi.start(api, streams, topology, clientConfig, registry, metrics, analyzer);
 *   streams.start();
 * </pre>
 */
public final class ProcessorApi implements AutoCloseable {

  private final ApiServer server;
  private final IncidentFeed feed;

  private ProcessorApi(ApiServer server, IncidentFeed feed) {
    this.server = server;
    this.feed = feed;
  }

  /** The Streams settings the API needs: where peers reach this instance for forwarded queries. */
  public static Map<String, Object> streamsProperties(ApiSettings settings) {
    return Map.of(StreamsConfig.APPLICATION_SERVER_CONFIG, settings.applicationServer());
  }

  /**
   * Starts the HTTP server (health answers "not ready" until the streams client runs) and the
   * incident feed. {@code clientConfig} holds bootstrap servers and security settings.
   */
  public static ProcessorApi start(ApiSettings settings, KafkaStreams streams, Topology topology,
      Map<String, Object> clientConfig, SchemaRegistry registry, FaultlineMetrics metrics, RootCauseAnalyzer analyzer) {
    metrics.bindStores(streams, storeNames(topology));
    ClusterStateReader state = new ClusterStateReader(streams, settings, metrics);
    LocalStores local = new LocalStores(streams, settings.retryAfterSeconds());
    IncidentBroadcaster broadcaster = new IncidentBroadcaster(1_024);
    IncidentFeed feed = new IncidentFeed(clientConfig, registry, broadcaster).start();
    ApiServer.LocalStoresEndpoint endpoint = (store, partition, key, prefix) -> {
      if (streams.state() != KafkaStreams.State.RUNNING) {
        throw ApiException.unavailable("the processor is " + streams.state(), settings.retryAfterSeconds());
      }
      return key != null
          ? local.get(store, key, partition).map(v -> List.of(new StateReader.StoreEntry(key, v))).orElse(List.of())
          : local.scan(store, prefix, partition);
    };
    try {
      ApiServer server = ApiServer.start(settings, new ApiServer.Backend(
          new StoreQueries(state, analyzer), broadcaster, streams::state, endpoint, metrics));
      return new ProcessorApi(server, feed);
    } catch (RuntimeException e) {
      feed.close();
      throw e;
    }
  }

  /** Every state store of the topology (for the store-size gauges). */
  static Set<String> storeNames(Topology topology) {
    Set<String> names = new TreeSet<>();
    for (TopologyDescription.Subtopology sub : topology.describe().subtopologies()) {
      for (TopologyDescription.Node node : sub.nodes()) {
        if (node instanceof TopologyDescription.Processor p) {
          names.addAll(p.stores());
        }
      }
    }
    return names;
  }

  public int port() {
    return server.port();
  }

  @Override
  public void close() {
    server.close();
    feed.close();
  }
}
