package io.handover.comparators;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import io.handover.api.ComparisonResult;
import io.handover.api.Difference;
import io.handover.api.Ignores;
import io.handover.api.ResponseComparator;
import io.handover.api.ResponseComparatorFactory;
import io.handover.api.ResponseSummary;
import io.handover.api.Settings;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * {@code body}: the responses match when their bodies are byte for byte equal, judged by
 * {@link ResponseSummary#bodySha256()}.
 *
 * <p>Setting {@code ignoreJsonPointers}: a list of RFC 6901 JSON pointers such as
 * {@code "/timestamp"} or {@code "/items/0/id"} (a single string is taken as a list of one),
 * default none. When given and the digests differ, two bodies that are both available in
 * {@link ResponseSummary#body()} and both UTF-8 JSON are compared as JSON documents with the
 * pointed-to parts left out: object members are removed, array elements are blanked so that the
 * others keep their indices, member order does not matter and numbers compare by value
 * ({@code 1.0} equals {@code 1.00}). Otherwise, when a body is too large to have been kept or is
 * not JSON (or exceeds a limit of {@link JsonBody}), the digests decide.
 *
 * <p>A mismatch names the differing members (up to {@value #MAX_DIFFERENCES}) with both values
 * when both bodies are JSON, e.g. {@code body JSON differs at /total: 10 vs 12}, even when no
 * pointer is ignored (then the bodies still must be byte for byte equal). Pointers the engine
 * learned to be noise are left out as configured ones are.
 *
 * <p>Comparators are immutable and thread-safe; they are called concurrently on worker threads and
 * do no blocking work. Parsing is linear in the body size.
 */
public final class BodyComparatorFactory implements ResponseComparatorFactory {

  static final String IGNORE_JSON_POINTERS = "ignoreJsonPointers";
  static final int MAX_DIFFERENCES = 8;
  // RFC 6901 allows only ~0 and ~1; Jackson would take any other "~" literally.
  private static final Pattern BAD_ESCAPE = Pattern.compile("~(?![01])");

  @Override
  public String name() {
    return "body";
  }

  @Override
  public String description() {
    return "Equal bodies by SHA-256, or equal JSON apart from ignoreJsonPointers.";
  }

  @Override
  public ResponseComparator create(Settings settings) {
    Checks.rejectUnknownSettings(settings, name(), List.of(IGNORE_JSON_POINTERS));
    List<JsonPointer> pointers = new ArrayList<>();
    for (String text : settings.strings(IGNORE_JSON_POINTERS).orElse(List.of())) {
      String problem = !text.isEmpty() && !text.startsWith("/") ? "must be empty or start with \"/\""
          : BAD_ESCAPE.matcher(text).find() ? "has a \"~\" not followed by 0 or 1" : null;
      if (problem != null) {
        throw settings.invalid(IGNORE_JSON_POINTERS, "entry \"" + text + "\" " + problem);
      }
      pointers.add(JsonPointer.compile(text));
    }
    return new BodyComparator(List.copyOf(pointers));
  }

  private record BodyComparator(List<JsonPointer> ignored) implements ResponseComparator {

    @Override
    public ComparisonResult compare(ResponseSummary target, ResponseSummary candidate) {
      return compare(target, candidate, Ignores.NONE);
    }

    @Override
    public ComparisonResult compare(ResponseSummary target, ResponseSummary candidate, Ignores extra) {
      String unusable = Checks.unusable(target, candidate);
      if (unusable != null) {
        return ComparisonResult.differs(unusable);
      }
      if (target.bodySha256().equalsIgnoreCase(candidate.bodySha256())) {
        return ComparisonResult.match();
      }
      List<JsonPointer> pointers = ignored;
      if (!extra.jsonPointers().isEmpty()) {
        pointers = new ArrayList<>(ignored);
        for (String text : extra.jsonPointers()) {
          pointers.add(JsonPointer.compile(text));
        }
      }
      if (!target.hasBody() || !candidate.hasBody()) {
        String which = target.hasBody() ? "candidate" : "target";
        return digestsDiffer(target, candidate, pointers.isEmpty() ? "" : "; compared by digest: " + which + " body was too large to keep");
      }
      JsonNode old = JsonBody.parse(target.body());
      if (old == null) {
        return digestsDiffer(target, candidate, pointers.isEmpty() ? "" : "; compared by digest: target body is not JSON");
      }
      JsonNode now = JsonBody.parse(candidate.body());
      if (now == null) {
        return digestsDiffer(target, candidate, pointers.isEmpty() ? "" : "; compared by digest: candidate body is not JSON");
      }
      for (JsonPointer pointer : pointers) {
        old = JsonBody.remove(old, pointer);
        now = JsonBody.remove(now, pointer);
      }
      List<Difference> differences = JsonDiff.differences(old, now, MAX_DIFFERENCES);
      if (!differences.isEmpty()) {
        return ComparisonResult.differs(JsonDiff.describe(differences), differences);
      }
      if (pointers.isEmpty()) {
        // equal as JSON but not as bytes: without ignored pointers the bytes decide
        return digestsDiffer(target, candidate, "; equal as JSON (member order, spacing or number form differ)");
      }
      return ComparisonResult.match();
    }

    private static ComparisonResult digestsDiffer(ResponseSummary target, ResponseSummary candidate, String why) {
      return ComparisonResult.differs("body sha256 " + shortDigest(target) + " (" + target.length() + " bytes) vs "
          + shortDigest(candidate) + " (" + candidate.length() + " bytes)" + why);
    }

    private static String shortDigest(ResponseSummary summary) {
      String digest = summary.bodySha256();
      return digest.length() > 12 ? digest.substring(0, 12) + "…" : digest;
    }
  }
}
