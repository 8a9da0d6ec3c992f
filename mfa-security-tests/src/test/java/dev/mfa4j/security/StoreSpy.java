package dev.mfa4j.security;

import dev.mfa4j.spi.MfaStore;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Wraps a store and records every call that may write (any repository method that is not a
 * lookup). A refused input must leave this list empty: then the store is unchanged, whatever
 * store implementation sits underneath.
 */
final class StoreSpy {
  /** Repository methods that only read. Everything else counts as a write. */
  private static final Set<String> READS = Set.of(
      "find", "list", "findByLookupKey", "findByTokenHash", "state", "countUnused", "get",
      "toString", "hashCode", "equals",
      // the audit trail's reads: pages, the chain, checkpoints, the audited practices
      "findEntries", "chain", "after", "checkpoints", "practices",
      // locks the practice's audit head for the unit (creating it empty if absent), which
      // appends nothing: the append that follows is the write
      "head",
      // takes the user's row lock for the unit; creates at most the initial state, which reads
      // like no state at all
      "lock");

  private final MfaStore target;
  private final List<String> writes = new CopyOnWriteArrayList<>();
  private final MfaStore proxy;

  StoreSpy(MfaStore target) {
    this.target = target;
    this.proxy = (MfaStore) Proxy.newProxyInstance(MfaStore.class.getClassLoader(),
        new Class<?>[] {MfaStore.class}, (p, m, args) -> {
          if (m.getName().equals("settle")) {
            // the coarse write of an answer (its repository calls run beneath this proxy)
            writes.add("store.settle");
          }
          Object repo = invoke(target, m, args);
          if (repo == null || m.getDeclaringClass() == Object.class
              || !m.getReturnType().isInterface()) {
            // atomically's result, answering's record, settle's boolean: not repositories
            return repo;
          }
          return wrap(m.getReturnType(), repo, m.getName());
        });
  }

  private Object wrap(Class<?> type, Object repo, String repoName) {
    InvocationHandler h = (p, m, args) -> {
      if (!READS.contains(m.getName())) {
        writes.add(repoName + "." + m.getName());
      }
      return invoke(repo, m, args);
    };
    return Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, h);
  }

  private static Object invoke(Object target, Method m, Object[] args) throws Throwable {
    try {
      return m.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  /** The store to hand to the engine. */
  MfaStore store() {
    return proxy;
  }

  /** The store underneath, for snapshots that must not count as calls. */
  MfaStore target() {
    return target;
  }

  /** The write calls made since the last {@link #reset()}, as {@code repository.method}. */
  List<String> writes() {
    return List.copyOf(writes);
  }

  /** Forgets the calls recorded so far. */
  void reset() {
    writes.clear();
  }
}
