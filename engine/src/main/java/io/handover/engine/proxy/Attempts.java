package io.handover.engine.proxy;

import java.util.Arrays;

/** The servers one request has tried so far; small, so an array scan beats a set. */
final class Attempts {

  private BackendPool.Backend[] tried = new BackendPool.Backend[2];
  private int size;

  boolean contains(BackendPool.Backend b) {
    for (int i = 0; i < size; i++) {
      if (tried[i] == b) {
        return true;
      }
    }
    return false;
  }

  void add(BackendPool.Backend b) {
    if (size == tried.length) {
      tried = Arrays.copyOf(tried, size * 2);
    }
    tried[size++] = b;
  }

  int size() {
    return size;
  }
}
