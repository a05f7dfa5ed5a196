package dev.gangway.agent.process;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns SIGTERM and SIGINT (Ctrl-C) into a normal return from {@link #await()}, so a command can close its work
 * cleanly and exit 0 instead of the JVM's 143/130.
 *
 * <p>{@code sun.misc.Signal} (module jdk.unsupported) is the only way to handle a signal in Java 17; it is used
 * reflectively so the build stays free of "internal proprietary API" warnings. Where it is missing, the JVM's
 * default applies (shutdown hooks run, exit code 143).
 */
public final class StopSignal {

    private static final Logger log = LoggerFactory.getLogger(StopSignal.class);

    private final CountDownLatch stop = new CountDownLatch(1);
    private volatile String reason = "stop requested";

    private StopSignal() {
    }

    /** Installs the handlers; from now on TERM and INT only release {@link #await()}. */
    public static StopSignal install() {
        StopSignal signal = new StopSignal();
        for (String name : new String[] {"TERM", "INT"}) {
            try {
                signal.handle(name);
            } catch (ReflectiveOperationException | RuntimeException e) {
                log.debug("cannot handle SIG{}: {}", name, e.toString());
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

    /** Releases {@link #await()} (also used by tests and by a failing command). */
    public void stop(String why) {
        reason = why;
        stop.countDown();
    }

    /** Blocks until a stop signal arrives; returns its name. */
    public String await() throws InterruptedException {
        stop.await();
        return reason;
    }
}
