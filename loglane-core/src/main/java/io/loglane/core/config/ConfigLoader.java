package io.loglane.core.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.Node;

/**
 * Loads and validates loglane configuration files against the keys of one build: the ones every
 * stage shares and those of the input and store types in its {@link ConfigCatalog}. There is one
 * way to get a loader, {@code new ConfigLoader(catalog)}; the application builds the catalog from
 * the types it registers, so {@code check-config} and {@code up} validate with the same loader.
 *
 * <p>Files are layered in order (see {@link ConfigLayers} for the exact rules): later files add
 * inputs (same {@code name} replaces), override lanes key by key, and override settings; command-line
 * flags ({@link CommandLineFlag}) are the last layer. Every key
 * is declared in the {@link ConfigSchema} built from the catalog, which also supplies the defaults. YAML is composed to nodes
 * (not bound to objects) so that every error can name the file, the 1-based line and the dotted
 * key, e.g. {@code config/loglane.yaml:42: lanes.access.retention.age: bad duration "3x" (use e.g. 90d, 12h, 30s)}.
 *
 * <p>Thread-safety: immutable; each call works on its own data.
 */
public final class ConfigLoader {
    private final ConfigSchema schema;

    public ConfigLoader(ConfigCatalog catalog) {
        this.schema = new ConfigSchema(catalog);
    }

    /** Every key this loader accepts, for the configuration reference. */
    public ConfigSchema schema() { return schema; }

    /**
     * Loads the layered files.
     *
     * @throws ConfigException the first problem found (use {@link #check(List)} for all of them)
     */
    public LoglaneConfig load(List<Path> files) throws ConfigException {
        return load(files, List.of());
    }

    /**
     * Loads the layered files with {@code flags} layered last.
     *
     * @throws ConfigException the first problem found (use {@link #check(List, List)} for all of them)
     */
    public LoglaneConfig load(List<Path> files, List<CommandLineFlag> flags) throws ConfigException {
        List<ConfigException> readErrors = new ArrayList<>();
        List<ConfigSource> sources = read(files, readErrors);
        if (!readErrors.isEmpty()) {
            throw readErrors.get(0);
        }
        return orThrow(run(sources, flags));
    }

    /** Loads layered YAML texts; for tests and for configuration not stored in files. */
    public LoglaneConfig load(ConfigSource... sources) throws ConfigException {
        return orThrow(run(Arrays.asList(sources), List.of()));
    }

    /** Every problem in the layered files, in file and line order; empty when they are valid. */
    public List<ConfigException> check(List<Path> files) {
        return check(files, List.of());
    }

    /** Every problem in the layered files and the command-line flags layered over them. */
    public List<ConfigException> check(List<Path> files, List<CommandLineFlag> flags) {
        List<ConfigException> readErrors = new ArrayList<>();
        List<ConfigSource> sources = read(files, readErrors);
        Result r = run(sources, flags);
        List<ConfigException> all = new ArrayList<>(readErrors);
        all.addAll(r.errors());
        return all;
    }

    /** Every problem in the layered texts. */
    public List<ConfigException> check(ConfigSource... sources) {
        return run(Arrays.asList(sources), List.of()).errors();
    }

    private record Result(LoglaneConfig config, List<ConfigException> errors) {}

    private Result run(List<ConfigSource> sources, List<CommandLineFlag> flags) {
        List<ConfigException> errors = new ArrayList<>();
        ConfigLayers layers = new ConfigLayers();
        for (ConfigSource source : sources) {
            int before = errors.size();
            Node root = compose(source, errors);
            if (errors.size() == before) {
                new ConfigFileReader(schema, source.name(), layers, errors).apply(root);
            }
        }
        new CommandLineLayer(schema, layers, errors).apply(flags);
        if (sources.isEmpty()) {
            errors.add(new ConfigException("(no file)", 1, "(config)", "no configuration file given"));
        }
        if (!errors.isEmpty()) {
            return new Result(null, List.copyOf(errors));
        }
        LoglaneConfig config = new ConfigAssembler(schema, layers, errors).assemble();
        return new Result(config, List.copyOf(errors));
    }

    private static Node compose(ConfigSource source, List<ConfigException> errors) {
        LoadSettings settings = LoadSettings.builder().setLabel(source.name()).build();
        try {
            return new Compose(settings).composeString(source.text()).orElse(null);
        } catch (MarkedYamlEngineException e) {
            int line = e.getProblemMark().map(m -> m.getLine() + 1).orElse(1);
            errors.add(new ConfigException(source.name(), line, "(yaml)", "not valid YAML: " + e.getProblem()));
        } catch (YamlEngineException e) {
            errors.add(new ConfigException(source.name(), 1, "(yaml)", "not valid YAML: " + e.getMessage()));
        }
        return null;
    }

    private static List<ConfigSource> read(List<Path> files, List<ConfigException> errors) {
        List<ConfigSource> out = new ArrayList<>();
        for (Path p : files) {
            try {
                out.add(new ConfigSource(p.toString(), Files.readString(p)));
            } catch (IOException e) {
                errors.add(new ConfigException(p.toString(), 1, "(file)", "cannot read: " + e));
            }
        }
        return out;
    }

    private static LoglaneConfig orThrow(Result r) throws ConfigException {
        if (!r.errors().isEmpty()) {
            throw r.errors().get(0);
        }
        return r.config();
    }
}
