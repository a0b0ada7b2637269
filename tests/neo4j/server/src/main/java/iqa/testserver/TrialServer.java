package iqa.testserver;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.BoltConnectorInternalSettings;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.io.ByteUnit;

/**
 * A local Neo4j Community 5.26 server for tests and trials: the database embedded as a library,
 * with Bolt on 127.0.0.1:PORT and no HTTP.
 *
 * <p>Usage: {@code TrialServer DIR PORT}. Data, transaction logs and Neo4j's own logs go under DIR.
 * Authentication is off unless the environment variable NEO4J_PASSWORD is set; then it is on, with
 * the user {@code neo4j} holding that password (set on the system database before the first line
 * below is printed, so a client never meets the default password). Memory is kept small: page
 * cache from NEO4J_PAGECACHE (default 64m), transaction state on heap; the caller sets -Xmx.
 *
 * <p>Prints {@code READY bolt://127.0.0.1:PORT} on standard output once the server accepts Bolt
 * connections, then runs until SIGTERM / SIGINT, when it shuts the database down cleanly. Exit
 * status 2 on bad arguments, 1 when the server cannot start (the cause on standard error).
 */
public final class TrialServer {

    private TrialServer() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            System.err.println("usage: TrialServer DIR PORT");
            System.exit(2);
        }
        Path home = Path.of(args[0]).toAbsolutePath();
        int port;
        try {
            port = Integer.parseInt(args[1]);
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (port < 1 || port > 65535) {
            System.err.println("PORT must be a number from 1 to 65535, not " + args[1]);
            System.exit(2);
        }
        String password = System.getenv("NEO4J_PASSWORD");
        boolean auth = password != null && !password.isEmpty();
        long pageCache = parseBytes(System.getenv().getOrDefault("NEO4J_PAGECACHE", "64m"));
        Files.createDirectories(home);

        DatabaseManagementService service;
        try {
            service = new DatabaseManagementServiceBuilder(home)
                    .setConfig(BoltConnector.enabled, true)
                    .setConfig(BoltConnector.listen_address, new SocketAddress("127.0.0.1", port))
                    .setConfig(BoltConnector.thread_pool_max_size, 50)
                    // a test server: do not wait 2 x 5 s for idle Bolt threads on shutdown
                    .setConfig(BoltConnectorInternalSettings.thread_pool_shutdown_wait_time, Duration.ofMillis(500))
                    .setConfig(BoltConnectorInternalSettings.connection_shutdown_wait_time, Duration.ofMillis(500))
                    .setConfig(GraphDatabaseSettings.auth_enabled, auth)
                    .setConfig(GraphDatabaseSettings.pagecache_memory, pageCache)
                    .setConfig(GraphDatabaseSettings.tx_state_memory_allocation,
                            GraphDatabaseSettings.TransactionStateMemoryAllocation.ON_HEAP)
                    .build();
        } catch (RuntimeException e) {
            System.err.println("Neo4j did not start: " + e);
            e.printStackTrace();
            System.exit(1);
            return;
        }
        if (auth) {
            try {
                setPassword(service.database(GraphDatabaseSettings.SYSTEM_DATABASE_NAME), password);
            } catch (RuntimeException e) {
                System.err.println("could not set the password of user neo4j: " + e);
                service.shutdown();
                System.exit(1);
            }
        }
        CountDownLatch stopped = new CountDownLatch(1);
        DatabaseManagementService running = service;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("stopping");
            running.shutdown();
            stopped.countDown();
        }, "neo4j-shutdown"));
        System.out.println("READY bolt://127.0.0.1:" + port);
        System.out.flush();
        stopped.await();
    }

    /** Give the user neo4j the password, without a change required at first login. */
    private static void setPassword(GraphDatabaseService system, String password) {
        try {
            system.executeTransactionally("ALTER USER neo4j SET PASSWORD $password CHANGE NOT REQUIRED",
                    Map.of("password", password));
        } catch (RuntimeException e) {
            // A restart on the same DIR: the password is already this one.
            if (!String.valueOf(e.getMessage()).contains("cannot be the same")) {
                throw e;
            }
        }
    }

    private static long parseBytes(String text) {
        String t = text.trim().toLowerCase();
        long unit = 1;
        if (t.endsWith("g")) {
            unit = ByteUnit.gibiBytes(1);
        } else if (t.endsWith("m")) {
            unit = ByteUnit.mebiBytes(1);
        } else if (t.endsWith("k")) {
            unit = ByteUnit.kibiBytes(1);
        }
        if (unit != 1) {
            t = t.substring(0, t.length() - 1);
        }
        return Long.parseLong(t) * unit;
    }
}
