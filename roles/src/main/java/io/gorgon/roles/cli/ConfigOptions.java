package io.gorgon.roles.cli;

import io.gorgon.roles.config.ConfigLoader;
import io.gorgon.roles.config.GorgonConfig;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** {@code --config FILE} and repeated {@code --set key.path=value}, shared by every command that needs the config. */
public final class ConfigOptions {
    @Spec(Spec.Target.MIXEE) CommandSpec mixee;

    @Option(names = {"-c", "--config"}, paramLabel = "FILE",
            description = "JSON config file (default: $GORGON_CONFIG, else the built-in defaults = config/local.json).")
    Path file;

    @Option(names = {"-s", "--set"}, paramLabel = "KEY.PATH=VALUE",
            description = "Override one config key, e.g. --set web.port=8090 (repeatable; applied after the environment).")
    List<String> sets = new ArrayList<>();

    /** The config file in effect, absolute (so child processes in other directories find it), or null. */
    public Path file() {
        Path f = file;
        if (f == null) {
            String fromEnv = Gorgon.env(mixee).get("GORGON_CONFIG");
            if (fromEnv != null && !fromEnv.isBlank()) f = Path.of(fromEnv);
        }
        return f == null ? null : f.toAbsolutePath().normalize();
    }

    public List<String> sets() {
        return List.copyOf(sets);
    }

    /**
     * Loads and validates; a problem is a ConfigException, which the CLI prints as one line with exit code 2. With an
     * embedded Redis, its generated password and principal key are filled in once 'up' has made them (every command
     * and role finds them).
     */
    public GorgonConfig load() {
        return io.gorgon.roles.config.EmbeddedSecrets.apply(ConfigLoader.load(file(), sets, Gorgon.env(mixee)), false);
    }

    /**
     * {@link #load()} for a command that runs the mesh (up, demo): a config that gives auth, app or provider instances
     * no principal key (and does not opt out) is refused here, once, rather than by every child in a restart loop.
     */
    public GorgonConfig loadForMesh() {
        // The first start generates the embedded Redis' secrets; its children and later commands read them.
        GorgonConfig c = io.gorgon.roles.config.EmbeddedSecrets.apply(ConfigLoader.load(file(), sets, Gorgon.env(mixee)), true);
        if (c.instances("auth") + c.instances("app") + c.instances("provider") > 0) c.auth().signingKey();
        return c;
    }
}
