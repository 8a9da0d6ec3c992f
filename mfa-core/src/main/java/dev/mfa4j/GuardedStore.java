package dev.mfa4j;

import dev.mfa4j.spi.MfaStore;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Wraps a host's store so that any failure it throws reaches the engine's callers as a {@link
 * StoreException} (an {@link MfaException} it threw itself passes unchanged). The engine never
 * catches a store failure, so a sign-in whose store fails in any step fails closed.
 */
final class GuardedStore {
  private GuardedStore() {}

  /** The last repository a store method returned, and its guard. */
  private record Guarded(Object repository, Object proxy) {}

  /**
   * Guards the store and every repository it returns. A store may hand out a fresh repository per
   * call (per transaction, per tenant): each call's own repository is guarded and reached. The
   * guard is reused only while a method keeps returning the very same repository object.
   */
  static MfaStore wrap(MfaStore store) {
    Map<Method, Guarded> last = new ConcurrentHashMap<>();
    return (MfaStore) Proxy.newProxyInstance(MfaStore.class.getClassLoader(),
        new Class<?>[] {MfaStore.class}, (proxy, method, args) -> {
          if (method.getDeclaringClass() == Object.class) {
            return objectMethod(store, proxy, method, args);
          }
          if (method.getName().equals("atomically")) {
            return unit(store, method, (Supplier<?>) args[0]);
          }
          Object repository = invoke(store, method, args);
          Class<?> type = method.getReturnType();
          if (!type.isInterface() || repository == null) {
            return repository;
          }
          Guarded g = last.get(method);
          if (g == null || g.repository() != repository) {
            g = new Guarded(repository, guard(type, repository));
            last.put(method, g);
          }
          return g.proxy();
        });
  }

  /**
   * A unit of work: what the work itself throws passes unchanged (the engine's own exceptions,
   * a provider's); only what the store throws around it becomes a {@link StoreException}.
   */
  private static Object unit(MfaStore store, Method method, Supplier<?> work) {
    Throwable[] fromWork = new Throwable[1];
    Supplier<Object> tracked = () -> {
      try {
        return work.get();
      } catch (RuntimeException | Error e) {
        fromWork[0] = e;
        throw e;
      }
    };
    try {
      return method.invoke(store, tracked);
    } catch (InvocationTargetException e) {
      Throwable cause = e.getCause();
      for (Throwable t = cause; t != null && fromWork[0] != null; t = t.getCause()) {
        if (t == fromWork[0]) {
          // the work's own exception, maybe wrapped by a proxy of the host's on the way out
          if (t instanceof Error err) {
            throw err;
          }
          throw (RuntimeException) t;
        }
      }
      if (cause instanceof MfaException m) {
        throw m;
      }
      if (cause instanceof Error err) {
        throw err;
      }
      throw new StoreException("store failed in a unit of work", cause);
    } catch (IllegalAccessException e) {
      throw new StoreException("store method not accessible: " + method.getName(), e);
    }
  }

  private static Object guard(Class<?> type, Object target) {
    InvocationHandler h = (proxy, method, args) -> {
      if (method.getDeclaringClass() == Object.class) {
        return objectMethod(target, proxy, method, args);
      }
      Object result = invoke(target, method, args);
      if (result == null && method.getReturnType() != void.class) {
        throw new StoreException("store returned null from " + type.getSimpleName() + "."
            + method.getName());
      }
      return result;
    };
    return Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, h);
  }

  private static Object objectMethod(Object target, Object proxy, Method method, Object[] args)
      throws Throwable {
    switch (method.getName()) {
      case "equals":
        return proxy == args[0];
      case "hashCode":
        return System.identityHashCode(proxy);
      default:
        return "Guarded[" + target + "]";
    }
  }

  private static Object invoke(Object target, Method method, Object[] args) {
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      Throwable cause = e.getCause();
      if (cause instanceof MfaException m) {
        throw m;
      }
      if (cause instanceof Error err) {
        throw err;
      }
      throw new StoreException("store failed in " + method.getDeclaringClass().getSimpleName()
          + "." + method.getName(), cause);
    } catch (IllegalAccessException e) {
      throw new StoreException("store method not accessible: " + method.getName(), e);
    }
  }
}
