package dev.gangway.agent.register;

import dev.gangway.agent.identity.DeviceRecord;
import dev.gangway.agent.identity.IdentityException;
import dev.gangway.agent.identity.IdentityStore;
import dev.gangway.agent.portal.PortalApi;
import dev.gangway.agent.portal.PortalException;
import dev.gangway.agent.portal.Registration;
import dev.gangway.agent.process.AgentVersion;
import dev.gangway.tunnel.ProxySettings;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code register}: commissions this device with a one-time activation key, or by device name with the credentials
 * of a portal user who may add devices ({@code --account/--user/--password-file/--device-name}). The private key is
 * generated here and never leaves the device; only a CSR is sent. One run per process; not thread-safe.
 */
@Command(name = "register", mixinStandardHelpOptions = true,
        description = {"Registers this device with the portal using a one-time activation key, or by device name "
                + "with a portal user's account, user name and password (--account, --user, --password-file, "
                + "--device-name; that user needs the 'Manage devices' right).",
            "Generates the device's key here (it never leaves the device), sends a certificate request and saves "
                + "the certificate in the identity directory (owner-only files)."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:registered", "2:the portal refused (its reason is printed), bad arguments, or an identity exists",
            "3:the portal cannot be reached", "1:unexpected failure (e.g. the identity cannot be written)"})
public final class RegisterCommand implements Callable<Integer> {

    static final int REFUSED = 2;
    static final int UNREACHABLE = 3;
    /** Far longer than any activation key; a bigger input is the wrong file. */
    private static final int MAX_KEY_BYTES = 4096;

    @Spec
    private CommandSpec spec;

    @Option(names = "--portal", required = true, paramLabel = "URL",
            description = "The portal's address, e.g. http://portal.example:8080")
    private String portal;

    @Option(names = "--key", paramLabel = "KEY",
            description = {"The activation key shown by the portal's 'Add device' page (works once).",
                "'-' reads it from standard input, which keeps it out of the process list."})
    private String keyOption;

    @Option(names = "--key-file", paramLabel = "FILE",
            description = "Reads the activation key from FILE instead (surrounding whitespace is ignored)")
    private Path keyFile;

    @Option(names = "--account", paramLabel = "ACCOUNT",
            description = "By name: the portal account the device joins")
    private String account;

    @Option(names = "--user", paramLabel = "USER",
            description = "By name: a portal user with the 'Manage devices' right")
    private String user;

    @Option(names = "--password-file", paramLabel = "FILE",
            description = "By name: file holding that user's password (one line; '-' reads standard input)")
    private Path passwordFile;

    @Option(names = "--code", paramLabel = "CODE",
            description = {"By name: the user's two-factor code (authenticator app or a recovery code).",
                "Without it, the code is asked for on the console when the portal needs one."})
    private String code;

    @Option(names = "--device-name", paramLabel = "NAME",
            description = {"By name: the device's name in the portal. A device of that name that the user manages "
                + "is taken over (its old certificate stops working at once)."})
    private String deviceName;

    @Option(names = "--pool", paramLabel = "POOL",
            description = "By name: the pool a new device goes into (needed when the user manages several)")
    private String pool;

    @Option(names = "--identity", paramLabel = "DIR", defaultValue = "./gangway-agent-identity",
            description = "Where to save the identity (default: ${DEFAULT-VALUE})")
    private Path identity;

    @Option(names = "--serial", paramLabel = "SERIAL",
            description = "This machine's serial (default: derived from /etc/machine-id, else generated once)")
    private String serial;

    @Option(names = "--force", description = "Replace an existing identity in DIR (its certificate stops working)")
    private boolean force;

    @Option(names = "--proxy", paramLabel = "HOST:PORT",
            description = "Reach the portal through this HTTP proxy (CONNECT for an https portal)")
    private String proxyAddress;

    @Option(names = "--proxy-user", paramLabel = "USER", description = "User name for the proxy's authentication")
    private String proxyUser;

    @Option(names = "--proxy-auth", paramLabel = "SCHEME",
            description = "basic (default with --proxy-user) or ntlm (then the portal address must be https)")
    private String proxyAuth;

    @Option(names = "--proxy-domain", paramLabel = "DOMAIN", description = "Windows domain of the proxy user (ntlm)")
    private String proxyDomain;

    @Option(names = "--proxy-password-file", paramLabel = "FILE",
            description = "File holding the proxy password (one line; needed with --proxy-user)")
    private Path proxyPasswordFile;

    /** Asks the user for a line on the console; null when there is no console. */
    interface Prompt {
        String ask(String question);
    }

    private Path machineIdFile = Path.of("/etc/machine-id");
    private Prompt codePrompt = question -> System.console() == null ? null : System.console().readLine("%s", question);
    private InputStream stdin = System.in;
    private Clock clock = Clock.systemUTC();
    private Duration connectTimeout = Duration.ofSeconds(10);
    private Duration requestTimeout = Duration.ofSeconds(30);

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        URI portalUri;
        try {
            portalUri = PortalApi.parseBase(portal);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--portal: " + e.getMessage());
        }
        if (serial != null && !DeviceSerial.VALID.matcher(serial).matches()) {
            throw new ParameterException(spec.commandLine(),
                    "--serial: '" + serial + "' must be 1-64 letters, digits, '.', '_', ':' or '-'");
        }
        ByName byName = byName();
        String activationKey = byName == null ? activationKey() : null;
        Optional<ProxySettings> proxy = proxy();
        if (portalUri.getScheme().equals("http") && !isLoopback(portalUri.getHost())) {
            err.println("warning: " + portalUri + " is plain http: the " + (byName == null ? "activation key"
                    : "password") + " and certificate travel unencrypted");
        }
        IdentityStore store = new IdentityStore(identity);
        try {
            PortalApi api = new PortalApi(portalUri, connectTimeout, requestTimeout, AgentVersion.get(), proxy);
            Registrar.Registered registered = new Registrar(store, machineIdFile, clock).register(portalUri,
                    Optional.ofNullable(serial), force, (csr, serialUsed) -> byName == null
                            ? api.register(activationKey, csr, serialUsed, AgentVersion.get())
                            : registerByName(api, byName, csr, serialUsed, err),
                    Registrar.CaCheck.ANY);
            DeviceRecord device = registered.credentials().device();
            out.println("Registered device " + device.deviceName() + " (" + device.deviceId() + ")");
            out.println("Identity saved in " + store.directory() + " (serial " + registered.serial() + ", from "
                    + registered.serialSource() + "); relay " + device.relayHost() + ":" + device.relayPort() + ".");
            out.flush();
            return 0;
        } catch (PortalException e) {
            if (e.kind() == PortalException.Kind.UNREACHABLE) {
                err.println(e.getMessage() + " — is the portal running and the address right? Nothing was saved.");
                return UNREACHABLE;
            }
            err.println("registration failed: " + e.getMessage());
            return REFUSED;
        } catch (IdentityException e) {
            err.println("registration not started: " + e.getMessage());
            return REFUSED;
        } catch (IOException e) {
            err.println("cannot write the identity in " + store.directory() + ": " + e.getMessage());
            return 1;
        } catch (GeneralSecurityException e) {
            err.println("cannot create the device key: " + e.getMessage());
            return 1;
        }
    }

    /** The by-name credentials and device, once checked. */
    private record ByName(String account, String user, String password, String code, String deviceName,
            String pool) {

        @Override
        public String toString() {
            return "ByName[" + account + "/" + user + ", device " + deviceName + "]";
        }
    }

    /** Asks the portal; when it wants a two-factor code and none was given, asks for it on the console once. */
    private Registration registerByName(PortalApi api, ByName name, String csr, String serialUsed, PrintWriter err)
            throws PortalException {
        try {
            return api.registerByName(name.account(), name.user(), name.password(), name.code(), name.deviceName(),
                    name.pool(), csr, serialUsed, AgentVersion.get());
        } catch (PortalException e) {
            if (!"two-factor-required".equals(e.code()) || name.code() != null) {
                throw e;
            }
            err.flush();
            String typed = codePrompt.ask("Two-factor code of " + name.user() + " (authenticator app or recovery "
                    + "code): ");
            if (typed == null || typed.isBlank()) {
                throw new PortalException(PortalException.Kind.REFUSED, e.getMessage()
                        + " Give it with --code CODE (no console to ask for it).", e.status(), e.code());
            }
            return api.registerByName(name.account(), name.user(), name.password(), typed.strip(),
                    name.deviceName(), name.pool(), csr, serialUsed, AgentVersion.get());
        }
    }

    /**
     * The by-name options, checked, or null when none is given (activation key). Mixed with {@code --key} or
     * incomplete: a usage error naming what is missing.
     */
    private ByName byName() {
        boolean any = account != null || user != null || passwordFile != null || code != null || deviceName != null
                || pool != null;
        if (!any) {
            return null;
        }
        if (keyOption != null || keyFile != null) {
            throw new ParameterException(spec.commandLine(), "give either an activation key (--key/--key-file) or "
                    + "--account, --user, --password-file and --device-name to register by name, not both");
        }
        List<String> missing = new java.util.ArrayList<>();
        if (account == null || account.isBlank()) {
            missing.add("--account ACCOUNT");
        }
        if (user == null || user.isBlank()) {
            missing.add("--user USER");
        }
        if (passwordFile == null) {
            missing.add("--password-file FILE");
        }
        if (deviceName == null || deviceName.isBlank()) {
            missing.add("--device-name NAME");
        }
        if (!missing.isEmpty()) {
            throw new ParameterException(spec.commandLine(), "registering by name needs " + String.join(", ", missing)
                    + " (or register with an activation key: --key KEY)");
        }
        if (code != null && code.isBlank()) {
            throw new ParameterException(spec.commandLine(), "--code: the two-factor code is empty");
        }
        String source = "--password-file " + passwordFile;
        byte[] read;
        try {
            if (passwordFile.toString().equals("-")) {
                read = stdin.readNBytes(MAX_KEY_BYTES + 1);
            } else {
                try (InputStream in = Files.newInputStream(passwordFile)) {
                    read = in.readNBytes(MAX_KEY_BYTES + 1);
                }
            }
        } catch (NoSuchFileException e) {
            throw new ParameterException(spec.commandLine(), source + ": no such file; check the path");
        } catch (IOException e) {
            throw new ParameterException(spec.commandLine(), source + ": cannot read it (" + e.getMessage() + ")");
        }
        String text = new String(read, StandardCharsets.UTF_8);
        String password = text.endsWith("\r\n") ? text.substring(0, text.length() - 2)
                : text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
        if (read.length > MAX_KEY_BYTES || password.isEmpty() || password.indexOf('\n') >= 0) {
            throw new ParameterException(spec.commandLine(), source + ": must hold only the user's password, on one "
                    + "line");
        }
        return new ByName(account.strip(), user.strip(), password, code == null ? null : code.strip(),
                deviceName.strip(), pool == null || pool.isBlank() ? null : pool.strip());
    }

    /** Exactly one source: {@code --key KEY}, {@code --key -} (standard input) or {@code --key-file FILE}. */
    private String activationKey() {
        if (keyOption == null && keyFile == null) {
            throw new ParameterException(spec.commandLine(), "the activation key is missing; give it with "
                    + "--key KEY, --key - (read from standard input) or --key-file FILE, or register by name with "
                    + "--account, --user, --password-file and --device-name");
        }
        if (keyOption != null && keyFile != null) {
            throw new ParameterException(spec.commandLine(),
                    "--key and --key-file both given; give the activation key only one way");
        }
        String source;
        String key;
        if (keyFile != null) {
            source = "--key-file " + keyFile;
            key = readKey(source, () -> {
                try (InputStream in = Files.newInputStream(keyFile)) {
                    return in.readNBytes(MAX_KEY_BYTES + 1);
                }
            });
        } else if (keyOption.equals("-")) {
            source = "--key - (standard input)";
            key = readKey(source, () -> stdin.readNBytes(MAX_KEY_BYTES + 1));
        } else {
            source = "--key";
            key = keyOption.trim();
        }
        if (key.isEmpty()) {
            throw new ParameterException(spec.commandLine(), source + ": the activation key is empty");
        }
        if (key.indexOf('\n') >= 0 || key.indexOf('\r') >= 0) {
            throw new ParameterException(spec.commandLine(), source
                    + ": more than one line; give only the activation key shown by the portal");
        }
        return key;
    }

    private interface KeyBytes {
        byte[] read() throws IOException;
    }

    private String readKey(String source, KeyBytes bytes) {
        byte[] read;
        try {
            read = bytes.read();
        } catch (NoSuchFileException e) {
            throw new ParameterException(spec.commandLine(), source
                    + ": no such file; check the path, or save the key shown by the portal in it");
        } catch (IOException e) {
            throw new ParameterException(spec.commandLine(), source + ": cannot read it (" + e.getMessage() + ")");
        }
        if (read.length > MAX_KEY_BYTES) {
            throw new ParameterException(spec.commandLine(), source + ": more than " + MAX_KEY_BYTES
                    + " bytes, which is not an activation key; give only the key shown by the portal");
        }
        return new String(read, StandardCharsets.UTF_8).trim();
    }

    private Optional<ProxySettings> proxy() {
        boolean ntlm = "ntlm".equalsIgnoreCase(proxyAuth);
        if (proxyAuth != null && !ntlm && !"basic".equalsIgnoreCase(proxyAuth)) {
            throw new ParameterException(spec.commandLine(), "--proxy-auth: '" + proxyAuth
                    + "' is not a proxy authentication scheme; give basic or ntlm");
        }
        if (proxyDomain != null && !ntlm) {
            throw new ParameterException(spec.commandLine(), "--proxy-domain: only NTLM uses it; add --proxy-auth ntlm");
        }
        if (proxyAddress == null) {
            if (proxyUser != null || proxyPasswordFile != null || proxyAuth != null) {
                throw new ParameterException(spec.commandLine(),
                        "--proxy-user, --proxy-password-file and --proxy-auth need --proxy HOST:PORT");
            }
            return Optional.empty();
        }
        InetSocketAddress address;
        try {
            address = PortalApi.parseProxy(proxyAddress);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--proxy: " + e.getMessage());
        }
        if (proxyUser == null) {
            if (proxyPasswordFile != null || proxyAuth != null) {
                throw new ParameterException(spec.commandLine(), "--proxy-password-file and --proxy-auth need --proxy-user");
            }
            return Optional.of(ProxySettings.unauthenticated(address));
        }
        if (proxyUser.isBlank() || proxyUser.indexOf(':') >= 0) {
            throw new ParameterException(spec.commandLine(),
                    "--proxy-user: give the proxy user name (it cannot contain ':')");
        }
        if (proxyPasswordFile == null) {
            throw new ParameterException(spec.commandLine(), "--proxy-user needs --proxy-password-file FILE"
                    + " holding the proxy password");
        }
        String source = "--proxy-password-file " + proxyPasswordFile;
        byte[] read;
        try (InputStream in = Files.newInputStream(proxyPasswordFile)) {
            read = in.readNBytes(MAX_KEY_BYTES + 1);
        } catch (NoSuchFileException e) {
            throw new ParameterException(spec.commandLine(), source + ": no such file; check the path");
        } catch (IOException e) {
            throw new ParameterException(spec.commandLine(), source + ": cannot read it (" + e.getMessage() + ")");
        }
        String text = new String(read, StandardCharsets.UTF_8);
        String password = text.endsWith("\r\n") ? text.substring(0, text.length() - 2)
                : text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
        if (read.length > MAX_KEY_BYTES || password.isEmpty() || password.indexOf('\n') >= 0) {
            throw new ParameterException(spec.commandLine(), source + ": must hold only the proxy password, on one line");
        }
        return Optional.of(ntlm ? ProxySettings.ntlm(address, proxyDomain, proxyUser, password)
                : new ProxySettings(address, proxyUser, password));
    }

    private static boolean isLoopback(String host) {
        String h = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        return h.equals("localhost") || h.endsWith(".localhost") || h.startsWith("127.") || h.equals("::1");
    }

    /** For tests: where the machine id is read from and the HTTP timeouts. */
    RegisterCommand machineIdFile(Path file) {
        this.machineIdFile = file;
        return this;
    }

    /** For tests: how the two-factor code is asked for. */
    RegisterCommand codePrompt(Prompt prompt) {
        this.codePrompt = prompt;
        return this;
    }

    /** For tests: what {@code --key -} reads. */
    RegisterCommand stdin(InputStream in) {
        this.stdin = in;
        return this;
    }
}
