package dev.gangway.client.device;

import dev.gangway.client.Main;
import dev.gangway.client.Output;
import dev.gangway.client.portal.Device;
import dev.gangway.client.session.SessionAccess;
import dev.gangway.client.session.SignInOptions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code gangway services DEVICE}: the LAN services a device allows. */
@Command(name = "services", mixinStandardHelpOptions = true, usageHelpWidth = 100,
        description = {"Lists the LAN services a device allows (what connect forwards).", ""},
        footer = {"", "Example:", "  gangway services press-4"})
public final class ServicesCommand implements Callable<Integer> {

    @ParentCommand
    private Main main;

    @Mixin
    private SignInOptions signIn;

    @Parameters(index = "0", paramLabel = "DEVICE", description = "the device's id or name")
    private String device;

    @Override
    public Integer call() {
        Device found;
        try (SessionAccess access = SessionAccess.open(main, signIn)) {
            found = DeviceFinder.find(access.portal(), access.token(), device);
        }
        Output out = main.output();
        if (out.json()) {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("device", found.reference());
            json.put("services", found.services());
            out.printJson(json);
            return 0;
        }
        out.table(List.of("NAME", "KIND", "TARGET"), found.services().stream()
                .map(s -> List.of(s.name(), s.kind(), s.target())).toList());
        return 0;
    }
}
