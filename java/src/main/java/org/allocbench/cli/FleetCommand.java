package org.allocbench.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.allocbench.campaign.CampaignFile;
import org.allocbench.fleet.AnsibleFleet;
import org.allocbench.fleet.FleetMerge;
import org.allocbench.fleet.Inventory;
import org.allocbench.results.ResultsStore;
import org.allocbench.results.RunResults;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code allocbench fleet --inventory HOSTS --campaign C}: the campaign on every host of an Ansible inventory
 * at once ({@link AnsibleFleet}: the playbook the jar carries), the runs fetched back and merged with the host
 * as a dimension ({@link FleetMerge}), the fleet report written and the per-host tables printed. A host that
 * fails or cannot be reached is listed as not run, with Ansible's reason; the others stand. Exit 0 when at
 * least one host ran (the not-run ones are printed), 1 when none did or something here failed, 2 for usage.
 */
@Command(name = "fleet", mixinStandardHelpOptions = true,
        description = {"Runs a campaign on every host of an Ansible inventory in parallel (ansible-playbook with the"
                + " playbook in scripts/fleet, which the jar carries): checks each host, copies this jar and the"
                + " campaign, installs the allocators' Debian packages where it may (become), runs the campaign,"
                + " fetches the run back, and removes what it put on the host.",
                "Then merges the runs (allocbench merge), writes the fleet report and prints per trace each"
                        + " allocator's ratio per host. Needs ansible-playbook (Debian: ansible-core)."})
final class FleetCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Option(names = "--inventory", required = true, paramLabel = "HOSTS",
            description = "An Ansible inventory (INI or YAML), e.g. docs/examples/local-two-hosts.ini.")
    private Path inventory;

    @Option(names = "--campaign", defaultValue = "gate", paramLabel = "NAME|FILE",
            description = "The campaign every host runs: a preset, a committed campaign's name or a campaign file"
                    + " (default: ${DEFAULT-VALUE}, small).")
    private String campaign;

    @Option(names = "--limit", paramLabel = "PATTERN", description = "Only these hosts (Ansible's --limit).")
    private String limit;

    @Option(names = "--forks-per-host", paramLabel = "N",
            description = "Processes per lane on each host (the campaign's forks; `run --forks`).")
    private Integer forksPerHost;

    @Option(names = "--parallel", defaultValue = "10", paramLabel = "N",
            description = "Hosts running at once (Ansible's --forks) (default: ${DEFAULT-VALUE}).")
    private int parallel;

    @Option(names = "--run-arg", paramLabel = "ARG",
            description = "Extra argument of every host's `run` (repeatable), e.g. --run-arg=--ops=20000.")
    private List<String> runArgs = new ArrayList<>();

    @Option(names = "--no-install", description = "Install no Debian packages on the hosts (default: the playbook"
            + " installs the allocators' packages with become where it may, unless the inventory says"
            + " allocbench_install_packages=false).")
    private boolean noInstall;

    @Option(names = "--jar", paramLabel = "JAR", description = "The jar every host runs (default: this allocbench's).")
    private Path jar;

    @Option(names = "--out", paramLabel = "DIR",
            description = "The fleet run's directory (default: a new one under bench-results/fleet).")
    private Path out;

    @Override
    public Integer call() {
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        String usage = usageProblem();
        if (usage != null) {
            err.println("allocbench fleet: " + usage);
            return 2;
        }
        Path campaignFile;
        Path theJar;
        try {
            campaignFile = campaignFile();
            theJar = jar != null ? jar : ownJar();
        } catch (IllegalArgumentException e) {
            err.println("allocbench fleet: " + e.getMessage());
            return 2;
        }
        String missing = AnsibleFleet.missing();
        if (missing != null) {
            err.println("allocbench fleet: error: " + missing);
            return 1;
        }
        try {
            Inventory.hosts(AnsibleFleet.ansiblePlaybook().orElseThrow(), inventory, limit);
        } catch (IllegalArgumentException e) {
            err.println("allocbench fleet: " + e.getMessage());
            return 2;
        } catch (IOException e) {
            err.println("allocbench fleet: error: cannot ask ansible for the inventory's hosts: " + e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("allocbench fleet: interrupted");
            return 1;
        }
        Path dir = out != null ? out : ResultsStore.newRunDirectory(Path.of("bench-results", "fleet"),
                campaign.replaceAll(".*/", "").replaceAll("\\.(ya?ml|json)$", ""), Instant.now());
        List<String> args = new ArrayList<>(runArgs);
        if (forksPerHost != null) {
            args.addAll(List.of("--forks", forksPerHost.toString()));
        }
        err.println("allocbench fleet: " + inventory + ", campaign " + campaign + "; Ansible's output goes to "
                + dir.resolve("ansible").resolve("ansible.log"));
        err.flush();
        AnsibleFleet.Outcome outcome;
        try {
            outcome = AnsibleFleet.run(new AnsibleFleet.Request(inventory, theJar, campaign, campaignFile, limit, args,
                    noInstall, parallel, dir), line -> {
                        err.println("  " + line);
                        err.flush();
                    });
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("allocbench fleet: interrupted");
            return 1;
        } catch (IOException | UncheckedIOException | IllegalStateException e) {
            err.println("allocbench fleet: error: " + Failures.describe(e));
            return 1;
        }
        for (FleetMerge.NotRun n : outcome.notRun()) {
            err.println("allocbench fleet: not run on " + n.host() + ": " + n.reason());
        }
        if (outcome.ran().isEmpty()) {
            err.println("allocbench fleet: error: no host ran the campaign (Ansible's output: "
                    + dir.resolve("ansible").resolve("ansible.log") + ")");
            return 1;
        }
        RunResults merged;
        try {
            merged = FleetMerge.merge(outcome.ran(), outcome.notRun(), dir, "allocbench fleet --inventory " + inventory
                    + " --campaign " + campaign);
        } catch (IllegalArgumentException | UncheckedIOException e) {
            err.println("allocbench fleet: error: the hosts' runs cannot be merged: " + Failures.describe(e) + " (they"
                    + " are in " + dir.resolve(FleetMerge.HOSTS_DIR) + "/HOST/RUN_ID, for allocbench merge)");
            return 1;
        }
        int written = FleetOutput.print(merged, dir, "allocbench fleet", stdout, err);
        stdout.println("fleet run: " + dir.toAbsolutePath().normalize());
        stdout.flush();
        return written;
    }

    private String usageProblem() {
        if (!Files.isReadable(inventory) || Files.isDirectory(inventory)) {
            return "--inventory: " + inventory + " is not a readable file";
        }
        if (parallel < 1) {
            return "--parallel must be at least 1";
        }
        if (forksPerHost != null && forksPerHost < 1) {
            return "--forks-per-host must be at least 1";
        }
        if (jar != null && !Files.isRegularFile(jar)) {
            return "--jar: " + jar + " is not a file";
        }
        if (jar != null && !runnableJar(jar)) {
            return "--jar: " + jar + " is not a runnable jar (no Main-Class in its manifest)";
        }
        String runArgProblem = jar == null ? runArgProblem() : null; // another jar may know other options
        if (runArgProblem != null) {
            return runArgProblem;
        }
        if (out != null) {
            String problem = OutputPaths.directoryProblem(out);
            if (problem != null) {
                return "--out: " + problem;
            }
            try (var entries = Files.exists(out) ? Files.list(out) : java.util.stream.Stream.<Path>empty()) {
                if (entries.findAny().isPresent()) {
                    return "--out: " + out + " is not empty: a fleet run goes in a new directory";
                }
            } catch (IOException e) {
                return "--out: cannot read " + out + ": " + e.getMessage();
            }
        }
        return null;
    }

    /** Whether a host could start {@code file} with java -jar: every host would fail on it otherwise. */
    private static boolean runnableJar(Path file) {
        try (java.util.jar.JarFile j = new java.util.jar.JarFile(file.toFile())) {
            return j.getManifest() != null && j.getManifest().getMainAttributes().getValue("Main-Class") != null;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Why this allocbench's {@code run} would refuse the hosts' command line (the playbook's part and the
     * --run-arg ones), or null: said here once, not by every host after the jar was copied to it.
     */
    private String runArgProblem() {
        List<String> line = new ArrayList<>(List.of("run", "--campaign", campaign, "--out", "runs", "--progress",
                "plain"));
        line.addAll(runArgs);
        if (forksPerHost != null) {
            line.addAll(List.of("--forks", forksPerHost.toString()));
        }
        try {
            Main.commandLine().parseArgs(line.toArray(String[]::new));
            return null;
        } catch (picocli.CommandLine.ParameterException e) {
            return "--run-arg: " + e.getMessage() + (e instanceof picocli.CommandLine.OverwrittenOptionException
                    ? " (the fleet sets --campaign, --out and --progress, and --forks-per-host sets --forks)" : "");
        }
    }

    /** The campaign file every host gets, or null for a preset (the jar knows it). Checked here, once. */
    private Path campaignFile() {
        Path file = RunCommand.campaignFile(campaign);
        if (file != null) {
            if (!Files.isRegularFile(file)) {
                throw new IllegalArgumentException("--campaign: " + file + " is not a file");
            }
            CampaignFile.read(file); // its errors here, not on every host
        }
        return file;
    }

    /** The jar this allocbench runs from. */
    private static Path ownJar() {
        try {
            Path self = Path.of(FleetCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (Files.isRegularFile(self) && self.toString().endsWith(".jar")) {
                return self;
            }
        } catch (java.net.URISyntaxException | SecurityException e) {
            // fall through: say what to do
        }
        throw new IllegalArgumentException("this allocbench does not run from a jar: give the jar the hosts run,"
                + " --jar java/target/allocbench.jar");
    }
}
