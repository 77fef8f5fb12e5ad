package dev.mailpath.diag.dns.internal;

import java.util.Arrays;

/**
 * A binary min-heap of deadlines whose entries know their index, so that an answered query leaves
 * the heap at once in O(log n). A plain {@code PriorityQueue} with lazy deletion would keep every
 * answered query (and its message and future) alive until its timeout passed: at 30,000 queries a
 * second and a 5 s timeout that is 150,000 dead entries, which is what makes heaps grow. Used by
 * one thread only.
 */
final class DeadlineHeap {

  /** An entry: a deadline in {@link System#nanoTime()} terms and its slot in the heap. */
  abstract static class Entry {
    long deadline;
    int heapIndex = -1;
  }

  private Entry[] items = new Entry[64];
  private int size;

  boolean isEmpty() {
    return size == 0;
  }

  int size() {
    return size;
  }

  Entry peek() {
    return size == 0 ? null : items[0];
  }

  void add(Entry e) {
    if (e.heapIndex >= 0) {
      throw new IllegalStateException("entry already in the heap");
    }
    if (size == items.length) {
      items = Arrays.copyOf(items, size * 2);
    }
    items[size] = e;
    e.heapIndex = size;
    size++;
    up(e.heapIndex);
  }

  /** Removes the entry if it is in the heap; does nothing otherwise. */
  void remove(Entry e) {
    int i = e.heapIndex;
    if (i < 0) {
      return;
    }
    e.heapIndex = -1;
    size--;
    if (i == size) {
      items[size] = null;
      return;
    }
    Entry last = items[size];
    items[size] = null;
    items[i] = last;
    last.heapIndex = i;
    up(i);
    down(last.heapIndex);
    if (items.length > 256 && size < items.length / 4) {
      items = Arrays.copyOf(items, items.length / 2);
    }
  }

  private void up(int i) {
    Entry e = items[i];
    while (i > 0) {
      int parent = (i - 1) >>> 1;
      Entry p = items[parent];
      if (p.deadline - e.deadline <= 0) {
        break;
      }
      items[i] = p;
      p.heapIndex = i;
      i = parent;
    }
    items[i] = e;
    e.heapIndex = i;
  }

  private void down(int i) {
    Entry e = items[i];
    int half = size >>> 1;
    while (i < half) {
      int child = 2 * i + 1;
      Entry c = items[child];
      int right = child + 1;
      if (right < size && items[right].deadline - c.deadline < 0) {
        child = right;
        c = items[child];
      }
      if (e.deadline - c.deadline <= 0) {
        break;
      }
      items[i] = c;
      c.heapIndex = i;
      i = child;
    }
    items[i] = e;
    e.heapIndex = i;
  }
}
