package io.handover.engine.cli;

import com.beust.jcommander.converters.IParameterSplitter;
import java.util.List;

/** Keeps a value whole: {@code --set 'comparators=["status","body"]'} has commas of its own. */
public final class RawSplitter implements IParameterSplitter {
  @Override
  public List<String> split(String value) {
    return List.of(value);
  }
}
