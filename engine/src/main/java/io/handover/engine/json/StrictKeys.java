package io.handover.engine.json;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.deser.BeanDeserializerModifier;
import com.fasterxml.jackson.databind.deser.std.DelegatingDeserializer;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import com.fasterxml.jackson.databind.util.TokenBuffer;
import java.io.IOException;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Rejects an unknown key of a record before the record is built. Jackson builds a record first and
 * reports unknown keys after, so a record's own check (such as "at least one condition") would
 * otherwise hide the misspelt key that caused it.
 */
final class StrictKeys extends DelegatingDeserializer {

  private final Class<?> type;
  private final Set<String> known;

  private StrictKeys(JsonDeserializer<?> delegate, Class<?> type, Set<String> known) {
    super(delegate);
    this.type = type;
    this.known = known;
  }

  /** Wraps the deserializer of every record. */
  static final class Modifier extends BeanDeserializerModifier {
    @Override
    public JsonDeserializer<?> modifyDeserializer(DeserializationConfig config, BeanDescription desc, JsonDeserializer<?> deserializer) {
      if (!desc.getBeanClass().isRecord()) {
        return deserializer;
      }
      Set<String> known = desc.findProperties().stream().map(BeanPropertyDefinition::getName).collect(Collectors.toSet());
      return new StrictKeys(deserializer, desc.getBeanClass(), known);
    }
  }

  @Override
  protected JsonDeserializer<?> newDelegatingInstance(JsonDeserializer<?> delegate) {
    return new StrictKeys(delegate, type, known);
  }

  @Override
  public Object deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
    if (!p.hasToken(JsonToken.START_OBJECT)) {
      return _delegatee.deserialize(p, ctxt);
    }
    TokenBuffer copy = ctxt.bufferAsCopyOfValue(p);
    try (JsonParser keys = copy.asParserOnFirstToken()) {
      while (keys.nextToken() == JsonToken.FIELD_NAME) {
        String name = keys.currentName();
        if (!known.contains(name)) {
          throw UnrecognizedPropertyException.from(p, type, name, List.copyOf(known));
        }
        keys.nextToken();
        keys.skipChildren();
      }
    }
    JsonParser value = copy.asParserOnFirstToken();
    return _delegatee.deserialize(value, ctxt);
  }
}
