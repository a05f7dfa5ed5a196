package dev.gangway.client.device;

import dev.gangway.client.Main;
import dev.gangway.client.Output;
import dev.gangway.client.portal.Device;
import dev.gangway.client.portal.DeviceService;
import dev.gangway.client.session.SessionAccess;
import dev.gangway.client.session.SignInOptions;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code gangway devices}: the devices the user may see, optionally filtered. */
@Command(name = "devices", mixinStandardHelpOptions = true, usageHelpWidth = 100,
        description = {"Lists the devices you may see, with their status, pools and services.", ""},
        footer = {"", "Examples:", "  gangway devices", "  gangway devices --online --pool hall-2",
            "  gangway devices --name press --json"})
public final class DevicesCommand implements Callable<Integer> {

    @ParentCommand
    private Main main;

    @Mixin
    private SignInOptions signIn;

    @Option(names = "--online", description = "only devices that are online")
    private boolean online;

    @Option(names = "--pool", paramLabel = "POOL", description = "only devices in this pool")
    private String pool;

    @Option(names = "--name", paramLabel = "TEXT", description = "only devices whose name contains TEXT (any case)")
    private String name;

    @Override
    public Integer call() {
        List<Device> devices;
        try (SessionAccess access = SessionAccess.open(main, signIn)) {
            devices = access.portal().devices(access.token());
        }
        List<Device> shown = devices.stream().filter(this::wanted).toList();
        Output out = main.output();
        if (out.json()) {
            out.printJson(Map.of("devices", shown));
            return 0;
        }
        out.table(List.of("ID", "NAME", "STATUS", "POOLS", "SERVICES"), shown.stream().map(d -> List.of(d.id(),
                d.name(), d.status(), String.join(",", d.pools()),
                String.join(",", d.services().stream().map(DeviceService::name).toList()))).toList());
        return 0;
    }

    private boolean wanted(Device d) {
        if (online && !d.online()) {
            return false;
        }
        if (pool != null && d.pools().stream().noneMatch(p -> p.equalsIgnoreCase(pool.trim()))) {
            return false;
        }
        return name == null || d.name().toLowerCase(Locale.ROOT).contains(name.trim().toLowerCase(Locale.ROOT));
    }
}
