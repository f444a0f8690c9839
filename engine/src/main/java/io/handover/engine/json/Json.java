package io.handover.engine.json;

import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

/**
 * The engine's one JSON mapper, for the admin API, the config file, the state file and the CLI.
 * Input is bounded so that no document can burn CPU or memory: numbers of at most 100 characters,
 * nesting at most 64 deep, strings of at most 1 MB. Numbers are read exactly, so that version
 * {@code 1.10} stays {@code 1.10}. Thread-safe.
 */
public final class Json {

  public static final int MAX_NUMBER_LENGTH = 100;

  public static final ObjectMapper MAPPER = JsonMapper.builder(new com.fasterxml.jackson.core.JsonFactoryBuilder()
          .streamReadConstraints(StreamReadConstraints.builder()
              .maxNumberLength(MAX_NUMBER_LENGTH)
              .maxNestingDepth(64)
              .maxStringLength(1_000_000)
              .maxNameLength(1_000)
              .build())
          .build())
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .nodeFactory(JsonNodeFactory.withExactBigDecimals(true))
      .build();

  private Json() {}
}
