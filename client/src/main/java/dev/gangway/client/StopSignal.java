package dev.gangway.client;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.concurrent.CountDownLatch;

/**
 * Turns SIGTERM and SIGINT (Ctrl-C) into a normal return from {@link #await()}, so {@code connect} closes its
 * listeners and relay connection and exits 0 instead of the JVM's 130/143. A command that must end for another
 * reason (the session ended) calls {@link #fail}.
 *
 * <p>{@code sun.misc.Signal} (module jdk.unsupported) is the only way to handle a signal in Java 17; it is used
 * reflectively so the build stays free of "internal proprietary API" warnings. Where it is missing the JVM's
 * default applies and {@code connect}'s shutdown hook does the clean-up.
 *
 * <p>Thread-safe; {@link #await()} returns once, for the first reason given.
 */
public final class StopSignal {

    private final CountDownLatch stop = new CountDownLatch(1);
    private volatile String reason = "stop requested";
    private volatile ClientException failure;

    /** A signal that only {@link #stop} and {@link #fail} release (tests, embedding). */
    public StopSignal() {
    }

    /** Installs the handlers; from now on TERM and INT only release {@link #await()}. */
    public static StopSignal install() {
        StopSignal signal = new StopSignal();
        for (String name : new String[] {"TERM", "INT"}) {
            try {
                signal.handle(name);
            } catch (ReflectiveOperationException | RuntimeException e) {
                // the JVM's default handling stays; the shutdown hook cleans up
            }
        }
        return signal;
    }

    private void handle(String name) throws ReflectiveOperationException {
        Class<?> signalClass = Class.forName("sun.misc.Signal");
        Class<?> handlerClass = Class.forName("sun.misc.SignalHandler");
        Object sig = signalClass.getConstructor(String.class).newInstance(name);
        InvocationHandler onSignal = (Object proxy, Method method, Object[] args) -> {
            switch (method.getName()) {
                case "handle" -> stop("SIG" + name);
                case "hashCode" -> {
                    return System.identityHashCode(proxy);
                }
                case "equals" -> {
                    return proxy == args[0];
                }
                case "toString" -> {
                    return "stop on SIG" + name;
                }
                default -> {
                    return null;
                }
            }
            return null;
        };
        Object handler = Proxy.newProxyInstance(handlerClass.getClassLoader(), new Class<?>[] {handlerClass}, onSignal);
        signalClass.getMethod("handle", signalClass, handlerClass).invoke(null, sig, handler);
    }

    /** Releases {@link #await()} normally. */
    public synchronized void stop(String why) {
        if (stop.getCount() > 0) {
            reason = why;
        }
        stop.countDown();
    }

    /** Releases {@link #await()}, which then throws {@code why}. */
    public synchronized void fail(ClientException why) {
        if (stop.getCount() > 0) {
            failure = why;
            reason = why.getMessage();
        }
        stop.countDown();
    }

    /**
     * Blocks until a stop signal arrives; returns its name.
     *
     * @throws ClientException what {@link #fail} was given
     */
    public String await() throws InterruptedException {
        stop.await();
        if (failure != null) {
            throw failure;
        }
        return reason;
    }

    /** Whether a stop was requested. */
    public boolean stopped() {
        return stop.getCount() == 0;
    }
}
