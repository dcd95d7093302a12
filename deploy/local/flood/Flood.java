import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The load of deploy/local/flood.sh, in one process: against one node (the victim) idle
 * {@code GET /ring/events} streams and connections sending key requests as fast as they are answered,
 * while writers go through the other nodes; meanwhile it watches whether the victim is declared dead
 * (the registry's {@code GET /nodes}, the other nodes' ring events) and sends internal calls of its
 * own to the victim (a canary). Afterwards it reads every acknowledged write back. Prints the figures
 * and writes them as properties for the script to judge.
 *
 * <pre>java Flood.java --victim PORT --healthy PORT,PORT --registry PORT --out DIR [options]</pre>
 * The API key and the cluster token come from the environment (FLOOD_API_KEY, FLOOD_CLUSTER_TOKEN),
 * so that they show in no process listing. Everything goes to 127.0.0.1 only.
 */
public class Flood {

    static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    static final int CONNECT_TIMEOUT_MS = 5_000;
    static final int ANSWER_TIMEOUT_MS = 10_000;
    /** An EventSource's usual reconnection delay. */
    static final int STREAM_RECONNECT_MS = 3_000;
    static final int MAX_ROUNDS = 1_000_000;
    /** Bounds every retrying loop in count, besides its deadline. */
    static final int MAX_ATTEMPTS = 100_000;
    static final long MAX_REQUESTS = 100_000_000L;
    /** The read-back gives up after this long; keys not read by then count as unreadable. */
    static final long READ_BACK_BUDGET_SECONDS = 120;
    /** The whole program ends after the flood, the settling and this long, whatever hangs. */
    static final long WATCHDOG_EXTRA_SECONDS = 300;

    // settings
    final int victim;
    final String victimAddress;
    final int[] healthy;
    final int registry;
    final int seconds;
    final int streams;
    final int anonymousStreams;
    final int connections;
    final int putPercent;
    final int keySpace;
    final int writers;
    final int keysPerWriter;
    final int settleSeconds;
    final int canaryIntervalMs;
    final int livenessTimeoutMs;
    final Path out;
    final String apiKey;
    final String clusterToken;

    // the clock and the phases
    final long started = System.nanoTime();
    /** Times in the figures count from the start of the flood. */
    volatile long floodStarted = System.nanoTime();
    volatile boolean flooding = true;
    volatile boolean monitoring = true;
    final Set<Conn> floodConns = ConcurrentHashMap.newKeySet();
    final Set<Conn> monitorConns = ConcurrentHashMap.newKeySet();

    // figures
    final Map<String, LongAdder> counters = new ConcurrentHashMap<>();
    final AtomicInteger streamsOpen = new AtomicInteger();
    final AtomicInteger streamsOpenPeak = new AtomicInteger();
    final LongAdder keyAnswers = new LongAdder();
    final List<List<Write>> writes = new ArrayList<>();
    final List<Long> canaryInternalMs = new ArrayList<>();
    final List<Long> canaryLivenessMs = new ArrayList<>();
    final AtomicReference<String> declaredDead = new AtomicReference<>();
    final Map<String, Integer> victimStates = new ConcurrentHashMap<>();
    final List<String> victimEvents = new ArrayList<>();

    /** One write attempt; {@code cutOff} when the end of the flood closed it before its answer (it may have applied). */
    record Write(String key, int round, int port, int status, long nanos, boolean cutOff) {
    }

    Flood(Map<String, String> args) {
        victim = Integer.parseInt(required(args, "victim"));
        victimAddress = args.getOrDefault("victim-address", "localhost:" + victim);
        healthy = Arrays.stream(required(args, "healthy").split(",")).mapToInt(Integer::parseInt).toArray();
        registry = Integer.parseInt(required(args, "registry"));
        out = Path.of(required(args, "out"));
        seconds = intArg(args, "seconds", 30);
        streams = intArg(args, "streams", 4000);
        anonymousStreams = intArg(args, "anonymous-streams", streams / 4);
        connections = intArg(args, "connections", 500);
        putPercent = intArg(args, "put-percent", 30);
        keySpace = intArg(args, "key-space", 100_000);
        writers = intArg(args, "writers", 8);
        keysPerWriter = intArg(args, "keys-per-writer", 50);
        settleSeconds = intArg(args, "settle-seconds", 5);
        canaryIntervalMs = intArg(args, "canary-interval-ms", 500);
        livenessTimeoutMs = intArg(args, "liveness-timeout-ms", 500);
        apiKey = System.getenv("FLOOD_API_KEY");
        clusterToken = System.getenv("FLOOD_CLUSTER_TOKEN");
        if (apiKey == null || apiKey.isBlank() || clusterToken == null || clusterToken.isBlank()) {
            throw new IllegalArgumentException("FLOOD_API_KEY and FLOOD_CLUSTER_TOKEN must be set");
        }
        if (seconds < 1 || seconds > 600 || streams < 0 || streams > 20_000 || connections < 0 || connections > 5_000
                || writers < 0 || writers > 64 || keysPerWriter < 1 || keysPerWriter > 10_000 || settleSeconds > 120
                || anonymousStreams > streams || putPercent < 0 || putPercent > 100) {
            throw new IllegalArgumentException("a setting is out of its bounds");
        }
    }

    public static void main(String[] argv) throws Exception {
        Map<String, String> args = new HashMap<>();
        for (int i = 0; i + 1 < argv.length; i += 2) {
            if (!argv[i].startsWith("--")) {
                throw new IllegalArgumentException("expected --name value, got " + argv[i]);
            }
            args.put(argv[i].substring(2), argv[i + 1]);
        }
        Flood flood;
        try {
            flood = new Flood(args);
        } catch (IllegalArgumentException e) {
            System.err.println("flood: " + e.getMessage());
            System.err.println("usage: java Flood.java --victim PORT --healthy PORT,PORT --registry PORT --out DIR [--seconds 30] "
                    + "[--streams 4000] [--anonymous-streams N] [--connections 500] [--put-percent 30] [--writers 8] "
                    + "[--keys-per-writer 50] [--settle-seconds 5]");
            System.exit(2);
            return;
        }
        System.exit(flood.run());
    }

    int run() throws Exception {
        Thread.ofPlatform().daemon().name("watchdog").start(() -> {
            sleepUntil(started + TimeUnit.SECONDS.toNanos(seconds + settleSeconds + WATCHDOG_EXTRA_SECONDS));
            System.err.println("flood: still running " + WATCHDOG_EXTRA_SECONDS + " s after the flood and settling; giving up");
            Runtime.getRuntime().halt(3);
        });
        Files.createDirectories(out);
        // the victim must be a member and answer before the flood, or the figures mean nothing
        String state = victimStateAtRegistry();
        if (!"UP".equals(state)) {
            System.err.println("flood: the registry does not list " + victimAddress + " as up before the flood (" + state + ")");
            return 2;
        }
        List<Thread> monitors = new ArrayList<>();
        monitors.add(Thread.ofVirtual().name("registry-poller").start(this::pollRegistry));
        for (int port : healthy) {
            monitors.add(Thread.ofVirtual().name("events-" + port).start(() -> watchEvents(port)));
        }
        Thread.sleep(500); // the event subscriptions are in before the flood

        floodStarted = System.nanoTime();
        long deadline = floodStarted + TimeUnit.SECONDS.toNanos(seconds);
        List<Thread> load = new ArrayList<>();
        load.add(Thread.ofVirtual().start(() -> canary(deadline, true)));
        load.add(Thread.ofVirtual().start(() -> canary(deadline, false)));
        for (int w = 0; w < writers; w++) {
            List<Write> own = new ArrayList<>();
            writes.add(own);
            int id = w;
            load.add(Thread.ofVirtual().start(() -> writer(id, own, deadline)));
        }
        for (int i = 0; i < connections; i++) {
            load.add(Thread.ofVirtual().start(() -> keyConnection(deadline)));
        }
        for (int i = 0; i < streams; i++) {
            // exactly anonymousStreams of them, spread evenly among the others
            boolean anonymous = (long) i * anonymousStreams / streams != (long) (i + 1) * anonymousStreams / streams;
            load.add(Thread.ofVirtual().start(() -> stream(anonymous, deadline)));
        }
        System.out.printf("flooding %s for %d s: %d idle /ring/events streams (%d without credential), %d connections of key requests "
                        + "(%d%% PUT), %d writers through %s%n", victimAddress, seconds, streams, anonymousStreams, connections, putPercent,
                writers, Arrays.toString(healthy));
        long lastAnswers = 0;
        while (System.nanoTime() < deadline) {
            long left = deadline - System.nanoTime();
            Thread.sleep(Math.max(1, Math.min(5_000, TimeUnit.NANOSECONDS.toMillis(left))));
            long answers = keyAnswers.sum();
            System.out.printf("  t=%5.1fs  streams open %4d  key answers %7d (+%d)  writes acknowledged %6d  victim at registry: %s%s%n",
                    elapsed(), streamsOpen.get(), answers, answers - lastAnswers, acknowledged(), lastState,
                    declaredDead.get() == null ? "" : "  DECLARED DEAD: " + declaredDead.get());
            lastAnswers = answers;
        }
        int openAtEnd = streamsOpen.get();
        flooding = false;
        floodConns.forEach(Conn::close);
        Thread.sleep(200);
        floodConns.forEach(Conn::close); // those opened while the first sweep went by
        joinAll(load, 15_000);
        System.out.printf("flood over at t=%.1fs; %d s to settle, then reading back the acknowledged writes%n", elapsed(), settleSeconds);
        Thread.sleep(settleSeconds * 1000L);
        Map<String, Long> readBack = readBack();
        monitoring = false;
        monitorConns.forEach(Conn::close);
        joinAll(monitors, 5_000);
        report(openAtEnd, readBack);
        return 0;
    }

    // ---------------------------------------------------------------- load

    /**
     * One idle stream, as a browser's EventSource behaves: subscribes, waits for the first event, then
     * sits until the flood ends. Refused with a status it gives up (EventSource does not reconnect
     * after an answer other than 200); after a network error, or when the node ends the stream, it
     * reconnects after 3 s.
     */
    void stream(boolean anonymous, long deadline) {
        String kind = anonymous ? "anonymous" : "api-key";
        for (int attempts = 0; attempts < MAX_ATTEMPTS && flooding && System.nanoTime() < deadline; attempts++) {
            Conn conn = null;
            String phase = "connect";
            try {
                count("streams.attempts");
                if (attempts > 0) {
                    count("streams.reconnects");
                }
                conn = Conn.open(LOOPBACK, victim, CONNECT_TIMEOUT_MS, ANSWER_TIMEOUT_MS, floodConns);
                phase = "answer";
                conn.send("GET", "/ring/events", anonymous ? null : apiKey, null, null, "Accept: text/event-stream\r\n");
                Head head = conn.readHead();
                if (head.status() != 200) {
                    count("streams.refused." + head.status());
                    count("streams.refused." + kind);
                    return;
                }
                if (!conn.awaitBytes("data:".getBytes(StandardCharsets.US_ASCII), 64 * 1024)) {
                    count("streams.no-first-event");
                } else {
                    count("streams.accepted");
                    count("streams.accepted." + kind);
                    if (!flooding) {
                        return;
                    }
                    streamsOpenPeak.accumulateAndGet(streamsOpen.incrementAndGet(), Math::max);
                    try {
                        conn.socket.setSoTimeout(0);
                        conn.drain();
                    } finally {
                        streamsOpen.decrementAndGet();
                    }
                    if (flooding) {
                        count("streams.closed-by-node");
                    }
                }
            } catch (SocketTimeoutException e) {
                if (flooding) {
                    count("connect".equals(phase) ? "streams.no-connection" : "streams.no-answer");
                }
            } catch (IOException e) {
                if (flooding) {
                    count("connect".equals(phase) ? "streams.no-connection" : "streams.reset");
                }
            } finally {
                if (conn != null) {
                    conn.close();
                }
            }
            sleepUntil(Math.min(deadline, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(STREAM_RECONNECT_MS)));
        }
    }

    /** One connection of key requests: random keys, GET and PUT, each sent as soon as the last is answered. */
    void keyConnection(long deadline) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        byte[] value = "flood-value-0123456789abcdef0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
        Conn conn = null;
        for (long requests = 0; requests < MAX_REQUESTS && flooding && System.nanoTime() < deadline; requests++) {
            if (conn == null) {
                try {
                    conn = Conn.open(LOOPBACK, victim, CONNECT_TIMEOUT_MS, ANSWER_TIMEOUT_MS, floodConns);
                    count("keys.connections");
                } catch (IOException e) {
                    if (flooding) {
                        count("keys.no-connection");
                    }
                    sleepUntil(Math.min(deadline, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(100)));
                    continue;
                }
            }
            try {
                String key = "/keys/flood-" + random.nextInt(keySpace);
                if (random.nextInt(100) < putPercent) {
                    conn.send("PUT", key, apiKey, value, "text/plain", "");
                } else {
                    conn.send("GET", key, apiKey, null, null, "");
                }
                Response response = conn.read();
                count("keys." + response.status());
                keyAnswers.increment();
                if (!response.keepAlive()) {
                    conn.close();
                    conn = null;
                }
            } catch (IOException e) {
                if (flooding) {
                    count(e instanceof SocketTimeoutException ? "keys.no-answer" : "keys.reset");
                }
                conn.close();
                conn = null;
            }
        }
        if (conn != null) {
            conn.close();
        }
    }

    /** Writes its own keys round after round, through the healthy nodes in turn, recording every attempt. */
    void writer(int id, List<Write> own, long deadline) {
        Conn[] conns = new Conn[healthy.length];
        for (int round = 0; round < MAX_ROUNDS && flooding && System.nanoTime() < deadline; round++) {
            for (int k = 0; k < keysPerWriter && flooding && System.nanoTime() < deadline; k++) {
                int n = (id + k + round) % healthy.length;
                String key = "flood-w" + id + "-k" + k;
                byte[] value = (key + "-r" + round).getBytes(StandardCharsets.US_ASCII);
                long t0 = System.nanoTime();
                int status;
                try {
                    if (conns[n] == null) {
                        conns[n] = Conn.open(LOOPBACK, healthy[n], CONNECT_TIMEOUT_MS, ANSWER_TIMEOUT_MS, floodConns);
                    }
                    conns[n].send("PUT", "/keys/" + key, apiKey, value, "text/plain", "");
                    Response response = conns[n].read();
                    status = response.status();
                    if (!response.keepAlive()) {
                        conns[n].close();
                        conns[n] = null;
                    }
                } catch (IOException e) {
                    status = -1; // no answer: it may or may not have been applied
                    if (conns[n] != null) {
                        conns[n].close();
                        conns[n] = null;
                    }
                }
                synchronized (own) {
                    own.add(new Write(key, round, healthy[n], status, System.nanoTime() - t0, !flooding && status == -1));
                }
            }
        }
        for (Conn conn : conns) {
            if (conn != null) {
                conn.close();
            }
        }
    }

    /**
     * Every canary interval, whether the last call was answered or not, a call on a new connection (as a
     * peer opens one when its pooled one was closed) with the timeouts a node gives it: an internal call
     * with the cluster token ({@code GET /internal/neighbors}, read-only; 1 s to connect, 5 s to answer,
     * as {@code dht.connect-timeout} and {@code dht.request-timeout}), or a liveness probe as the failure
     * detector sends it (the probe timeout for each).
     */
    void canary(long deadline, boolean internal) {
        List<Thread> calls = new ArrayList<>();
        long next = System.nanoTime();
        for (int n = 0; n < MAX_ATTEMPTS && flooding && next < deadline; n++) {
            sleepUntil(next);
            calls.add(Thread.ofVirtual().start(() -> canaryCall(internal)));
            next += TimeUnit.MILLISECONDS.toNanos(canaryIntervalMs);
        }
        try {
            joinAll(calls, 10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    void canaryCall(boolean internal) {
        String name = internal ? "canary.internal." : "canary.liveness.";
        int connectTimeout = internal ? 1_000 : livenessTimeoutMs;
        int answerTimeout = internal ? 5_000 : livenessTimeoutMs;
        List<Long> latencies = internal ? canaryInternalMs : canaryLivenessMs;
        long t0 = System.nanoTime();
        String outcome;
        String phase = "connect";
        try (Conn conn = Conn.open(LOOPBACK, victim, connectTimeout, answerTimeout, monitorConns)) {
            phase = "answer";
            if (internal) {
                conn.send("GET", "/internal/neighbors", clusterToken, null, null, "Connection: close\r\n");
            } else {
                conn.send("GET", "/actuator/health/liveness", null, null, null, "Connection: close\r\n");
            }
            outcome = String.valueOf(conn.read().status());
        } catch (SocketTimeoutException e) {
            outcome = "connect".equals(phase) ? "no-connection" : "no-answer";
        } catch (IOException e) {
            outcome = "connect".equals(phase) ? "no-connection" : "reset";
        }
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        count(name + "sent");
        count(name + outcome);
        synchronized (latencies) {
            latencies.add(ms);
        }
    }

    // ---------------------------------------------------------------- watching the victim

    volatile String lastState = "?";

    /** {@code GET /nodes} at the registry every 250 ms: the victim absent, or in another state than UP, is declared dead. */
    void pollRegistry() {
        for (int polls = 0; polls < MAX_ATTEMPTS && monitoring; polls++) {
            long next = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(250);
            String state;
            try {
                state = victimStateAtRegistry();
                count("registry.polls");
            } catch (IOException e) {
                count("registry.poll-failures");
                state = null;
            }
            if (state != null) {
                lastState = state;
                victimStates.merge(state, 1, Integer::sum);
                if (!"UP".equals(state)) {
                    declare(String.format("registry lists it %s at t=%.1fs", state, elapsed()));
                }
            }
            sleepUntil(next);
        }
    }

    static final Pattern MEMBER = Pattern.compile("\\{[^{}]*\"address\"\\s*:\\s*\"([^\"]*)\"[^{}]*}");
    static final Pattern STATE = Pattern.compile("\"state\"\\s*:\\s*\"([^\"]*)\"");

    /** The victim's state in the registry's listing, or ABSENT. */
    String victimStateAtRegistry() throws IOException {
        try (Conn conn = Conn.open(LOOPBACK, registry, 2_000, 2_000, monitorConns)) {
            conn.send("GET", "/nodes", null, null, null, "Connection: close\r\n");
            Response response = conn.read();
            if (response.status() != 200) {
                throw new IOException("GET /nodes answered " + response.status());
            }
            Matcher member = MEMBER.matcher(new String(response.body(), StandardCharsets.UTF_8));
            while (member.find()) {
                if (member.group(1).equals(victimAddress)) {
                    Matcher state = STATE.matcher(member.group());
                    return state.find() ? state.group(1) : "LISTED";
                }
            }
            return "ABSENT";
        }
    }

    /** Follows one healthy node's ring events; an event about the victim that says dead, down or gone declares it dead. */
    void watchEvents(int port) {
        for (int subscriptions = 0; subscriptions < MAX_ATTEMPTS && monitoring; subscriptions++) {
            try (Conn conn = Conn.open(LOOPBACK, port, 2_000, 5_000, monitorConns)) {
                conn.send("GET", "/ring/events", clusterToken, null, null, "Accept: text/event-stream\r\n");
                Head head = conn.readHead();
                if (head.status() != 200) {
                    count("events.subscription-refused");
                    sleepUntil(System.nanoTime() + TimeUnit.SECONDS.toNanos(1));
                    continue;
                }
                conn.socket.setSoTimeout(0);
                InputStream body = head.chunked() ? new Dechunked(conn.in) : conn.in;
                String type = null;
                StringBuilder data = new StringBuilder();
                String line;
                while ((line = readLine(body)) != null) {
                    if (line.startsWith("event:")) {
                        type = line.substring(6).trim();
                    } else if (line.startsWith("data:")) {
                        data.append(line.substring(5));
                    } else if (line.isEmpty()) {
                        if (type != null && data.indexOf("\"" + victimAddress + "\"") >= 0 && !"subscribed".equals(type)) {
                            String seen = String.format("%s from %d at t=%.1fs", type, port, elapsed());
                            synchronized (victimEvents) {
                                victimEvents.add(seen);
                            }
                            if (type.contains("dead") || type.contains("down") || type.contains("left") || type.contains("removed")) {
                                declare("ring event " + seen);
                            }
                        }
                        type = null;
                        data.setLength(0);
                    }
                }
            } catch (IOException e) {
                if (monitoring) {
                    count("events.subscription-broken");
                    sleepUntil(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(200));
                }
            }
        }
    }

    void declare(String how) {
        if (declaredDead.compareAndSet(null, how)) {
            System.out.println("  VICTIM DECLARED DEAD: " + how);
        }
        count("victim.declarations");
    }

    // ---------------------------------------------------------------- afterwards

    /**
     * Every key with an acknowledged write, read through the healthy nodes in turn (3 tries): it must
     * hold the value of its last acknowledged write or of a later attempt.
     */
    Map<String, Long> readBack() {
        Map<String, int[]> expected = new TreeMap<>(); // key -> {last acknowledged round, last attempted round}
        for (List<Write> own : writes) {
            synchronized (own) {
                for (Write write : own) {
                    int[] rounds = expected.computeIfAbsent(write.key(), k -> new int[] {-1, -1});
                    rounds[1] = Math.max(rounds[1], write.round());
                    if (write.status() >= 200 && write.status() < 300) {
                        rounds[0] = Math.max(rounds[0], write.round());
                    }
                }
            }
        }
        long checked = 0, ok = 0, lost = 0, unreadable = 0, newer = 0;
        int i = 0;
        Conn[] conns = new Conn[healthy.length];
        StringBuilder lostLines = new StringBuilder();
        long budget = System.nanoTime() + TimeUnit.SECONDS.toNanos(READ_BACK_BUDGET_SECONDS);
        for (Map.Entry<String, int[]> entry : expected.entrySet()) {
            int acknowledged = entry.getValue()[0];
            int attempted = entry.getValue()[1];
            if (acknowledged < 0) {
                continue;
            }
            checked++;
            String verdict = null;
            for (int attempt = 0; attempt < 3 && verdict == null && System.nanoTime() < budget; attempt++) {
                int n = i++ % healthy.length;
                try {
                    if (conns[n] == null) {
                        conns[n] = Conn.open(LOOPBACK, healthy[n], CONNECT_TIMEOUT_MS, ANSWER_TIMEOUT_MS, monitorConns);
                    }
                    conns[n].send("GET", "/keys/" + entry.getKey(), apiKey, null, null, "");
                    Response response = conns[n].read();
                    if (!response.keepAlive()) {
                        conns[n].close();
                        conns[n] = null;
                    }
                    if (response.status() == 404) {
                        verdict = "absent";
                    } else if (response.status() == 200) {
                        String body = new String(response.body(), StandardCharsets.US_ASCII);
                        String prefix = entry.getKey() + "-r";
                        int round = body.startsWith(prefix) ? parseOr(body.substring(prefix.length()), -1) : -1;
                        if (round >= acknowledged && round <= attempted) {
                            verdict = round > acknowledged ? "newer" : "ok";
                        } else {
                            verdict = "holds '" + body + "'";
                        }
                    } else {
                        sleepUntil(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(200));
                    }
                } catch (IOException e) {
                    if (conns[n] != null) {
                        conns[n].close();
                        conns[n] = null;
                    }
                }
            }
            if (verdict == null) {
                unreadable++;
            } else if (verdict.equals("ok") || verdict.equals("newer")) {
                ok++;
                if (verdict.equals("newer")) {
                    newer++;
                }
            } else {
                lost++;
                if (lost <= 5) {
                    lostLines.append(String.format("    lost: %s %s, last acknowledged %s-r%d%n", entry.getKey(), verdict, entry.getKey(), acknowledged));
                }
            }
        }
        for (Conn conn : conns) {
            if (conn != null) {
                conn.close();
            }
        }
        System.out.print(lostLines);
        Map<String, Long> result = new LinkedHashMap<>();
        result.put("readback.keys", checked);
        result.put("readback.ok", ok);
        result.put("readback.newer", newer);
        result.put("readback.lost", lost);
        result.put("readback.unreadable", unreadable);
        return result;
    }

    void report(int openAtEnd, Map<String, Long> readBack) throws IOException {
        Map<String, String> figures = new LinkedHashMap<>();
        figures.put("victim.declared-dead", String.valueOf(declaredDead.get() != null));
        figures.put("victim.declared-how", declaredDead.get() == null ? "" : declaredDead.get());
        figures.put("victim.declarations", String.valueOf(sum("victim.declarations")));
        figures.put("registry.polls", String.valueOf(sum("registry.polls")));
        figures.put("registry.poll-failures", String.valueOf(sum("registry.poll-failures")));
        figures.put("registry.victim-states", new TreeMap<>(victimStates).toString());
        synchronized (victimEvents) {
            figures.put("events.about-victim", String.join("; ", victimEvents));
        }
        figures.put("events.subscriptions-broken", String.valueOf(sum("events.subscription-broken")));

        long keyOther = 0;
        Map<String, Long> keyStatuses = new TreeMap<>();
        for (Map.Entry<String, LongAdder> counter : counters.entrySet()) {
            String name = counter.getKey();
            if (name.matches("keys\\.[0-9]+")) {
                keyStatuses.put(name.substring(5), counter.getValue().sum());
                if (!name.matches("keys\\.(200|201|404|429|503)")) {
                    keyOther += counter.getValue().sum();
                }
            }
        }
        figures.put("keys.answers", String.valueOf(keyAnswers.sum()));
        for (String status : List.of("200", "201", "404", "429", "503")) {
            figures.put("keys." + status, String.valueOf(sum("keys." + status)));
        }
        figures.put("keys.other", String.valueOf(keyOther));
        figures.put("keys.by-status", keyStatuses.toString());
        figures.put("keys.no-answer", String.valueOf(sum("keys.no-answer")));
        figures.put("keys.reset", String.valueOf(sum("keys.reset")));
        figures.put("keys.no-connection", String.valueOf(sum("keys.no-connection")));
        figures.put("keys.connections", String.valueOf(sum("keys.connections")));

        long refused = 0;
        Map<String, Long> refusedBy = new TreeMap<>();
        for (Map.Entry<String, LongAdder> counter : counters.entrySet()) {
            if (counter.getKey().matches("streams\\.refused\\.[0-9]+")) {
                refusedBy.put(counter.getKey().substring(16), counter.getValue().sum());
                refused += counter.getValue().sum();
            }
        }
        figures.put("streams.attempts", String.valueOf(sum("streams.attempts")));
        figures.put("streams.reconnects", String.valueOf(sum("streams.reconnects")));
        figures.put("streams.accepted", String.valueOf(sum("streams.accepted")));
        figures.put("streams.accepted.anonymous", String.valueOf(sum("streams.accepted.anonymous")));
        figures.put("streams.accepted.api-key", String.valueOf(sum("streams.accepted.api-key")));
        figures.put("streams.refused", String.valueOf(refused));
        figures.put("streams.refused.429", String.valueOf(sum("streams.refused.429")));
        figures.put("streams.refused.503", String.valueOf(sum("streams.refused.503")));
        figures.put("streams.refused-by-status", refusedBy.toString());
        figures.put("streams.refused.anonymous", String.valueOf(sum("streams.refused.anonymous")));
        figures.put("streams.refused.api-key", String.valueOf(sum("streams.refused.api-key")));
        figures.put("streams.no-connection", String.valueOf(sum("streams.no-connection")));
        figures.put("streams.no-answer", String.valueOf(sum("streams.no-answer")));
        figures.put("streams.reset", String.valueOf(sum("streams.reset")));
        figures.put("streams.no-first-event", String.valueOf(sum("streams.no-first-event")));
        figures.put("streams.closed-by-node", String.valueOf(sum("streams.closed-by-node")));
        figures.put("streams.open-peak", String.valueOf(streamsOpenPeak.get()));
        figures.put("streams.open-at-end", String.valueOf(openAtEnd));

        List<Long> all = new ArrayList<>();
        List<Long> acked = new ArrayList<>();
        long failed = 0, noAnswer = 0, cutOff = 0;
        Map<Integer, Long> writeStatuses = new TreeMap<>();
        try (var lines = Files.newBufferedWriter(out.resolve("writes.txt"))) {
            for (List<Write> own : writes) {
                synchronized (own) {
                    for (Write write : own) {
                        if (write.cutOff()) {
                            cutOff++;
                            continue;
                        }
                        long micros = TimeUnit.NANOSECONDS.toMicros(write.nanos());
                        all.add(micros);
                        writeStatuses.merge(write.status(), 1L, Long::sum);
                        if (write.status() >= 200 && write.status() < 300) {
                            acked.add(micros);
                        } else {
                            failed++;
                            if (write.status() == -1) {
                                noAnswer++;
                            }
                        }
                        lines.write(write.key() + " r" + write.round() + " via " + write.port() + " " + write.status() + " "
                                + String.format(Locale.ROOT, "%.1f", micros / 1000.0) + "ms\n");
                    }
                }
            }
        }
        figures.put("writes.attempted", String.valueOf(all.size()));
        figures.put("writes.acknowledged", String.valueOf(acked.size()));
        figures.put("writes.failed", String.valueOf(failed));
        figures.put("writes.no-answer", String.valueOf(noAnswer));
        figures.put("writes.cut-off", String.valueOf(cutOff));
        figures.put("writes.by-status", writeStatuses.toString().replace("-1=", "none="));
        figures.put("writes.acknowledged.p50-ms", millis(percentile(acked, 50)));
        figures.put("writes.acknowledged.p99-ms", millis(percentile(acked, 99)));
        figures.put("writes.acknowledged.max-ms", millis(percentile(acked, 100)));
        figures.put("writes.all.p99-ms", millis(percentile(all, 99)));
        readBack.forEach((name, value) -> figures.put(name, String.valueOf(value)));

        for (String name : List.of("internal", "liveness")) {
            String prefix = "canary." + name + ".";
            long sent = sum(prefix + "sent");
            long ok = counters.entrySet().stream().filter(c -> c.getKey().matches(prefix.replace(".", "\\.") + "2[0-9][0-9]"))
                    .mapToLong(c -> c.getValue().sum()).sum();
            Map<String, Long> outcomes = new TreeMap<>();
            counters.forEach((key, value) -> {
                if (key.startsWith(prefix) && !key.equals(prefix + "sent")) {
                    outcomes.put(key.substring(prefix.length()), value.sum());
                }
            });
            List<Long> latencies = name.equals("internal") ? canaryInternalMs : canaryLivenessMs;
            List<Long> copy;
            synchronized (latencies) {
                copy = new ArrayList<>(latencies);
            }
            figures.put(prefix + "sent", String.valueOf(sent));
            figures.put(prefix + "ok", String.valueOf(ok));
            figures.put(prefix + "outcomes", outcomes.toString());
            figures.put(prefix + "p99-ms", copy.isEmpty() ? "-" : String.valueOf(percentile(copy, 99)));
            figures.put(prefix + "max-ms", copy.isEmpty() ? "-" : String.valueOf(percentile(copy, 100)));
        }

        if (java.lang.management.ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            figures.put("flood.cpu-seconds", String.format(Locale.ROOT, "%.1f", os.getProcessCpuTime() / 1e9));
        }

        StringBuilder properties = new StringBuilder();
        figures.forEach((name, value) -> properties.append(name).append('=').append(value.replace('\n', ' ')).append('\n'));
        Files.writeString(out.resolve("figures.properties"), properties.toString());
    }

    // ---------------------------------------------------------------- helpers

    /** Waits for the threads to end, all of them together for at most {@code ms}. */
    static void joinAll(List<Thread> threads, long ms) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ms);
        for (Thread thread : threads) {
            long left = TimeUnit.NANOSECONDS.toMillis(until - System.nanoTime());
            if (left <= 0) {
                break;
            }
            thread.join(left);
        }
    }

    long acknowledged() {
        long n = 0;
        for (List<Write> own : writes) {
            synchronized (own) {
                for (Write write : own) {
                    if (write.status() >= 200 && write.status() < 300) {
                        n++;
                    }
                }
            }
        }
        return n;
    }

    void count(String name) {
        counters.computeIfAbsent(name, k -> new LongAdder()).increment();
    }

    long sum(String name) {
        LongAdder adder = counters.get(name);
        return adder == null ? 0 : adder.sum();
    }

    double elapsed() {
        return (System.nanoTime() - floodStarted) / 1e9;
    }

    static long percentile(List<Long> values, int p) {
        if (values.isEmpty()) {
            return -1;
        }
        List<Long> sorted = new ArrayList<>(values);
        sorted.sort(null);
        int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }

    static String millis(long micros) {
        return micros < 0 ? "-" : String.format(Locale.ROOT, "%.1f", micros / 1000.0);
    }

    static int parseOr(String text, int fallback) {
        try {
            return Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    static void sleepUntil(long nanoTime) {
        long left = nanoTime - System.nanoTime();
        if (left > 0) {
            try {
                TimeUnit.NANOSECONDS.sleep(left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    static String required(Map<String, String> args, String name) {
        String value = args.get(name);
        if (value == null) {
            throw new IllegalArgumentException("--" + name + " is required");
        }
        return value;
    }

    static int intArg(Map<String, String> args, String name, int fallback) {
        return args.containsKey(name) ? Integer.parseInt(args.get(name)) : fallback;
    }

    /** A line of at most 64 KiB, without its CR LF; null at the end of the stream. */
    static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(128);
        int b;
        while ((b = in.read()) != -1) {
            if (b == '\n') {
                break;
            }
            if (line.size() > 65_536) {
                throw new IOException("line too long");
            }
            line.write(b);
        }
        if (b == -1 && line.size() == 0) {
            return null;
        }
        String text = line.toString(StandardCharsets.UTF_8);
        return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
    }

    record Head(int status, Map<String, String> headers) {
        boolean chunked() {
            return headers.getOrDefault("transfer-encoding", "").toLowerCase(Locale.ROOT).contains("chunked");
        }

        boolean keepAlive() {
            return !headers.getOrDefault("connection", "").toLowerCase(Locale.ROOT).contains("close");
        }
    }

    record Response(int status, Map<String, String> headers, byte[] body, boolean keepAlive) {
    }

    /** A plain HTTP/1.1 connection to 127.0.0.1: one request at a time, keep-alive. */
    static final class Conn implements Closeable {

        final Socket socket;
        final InputStream in;
        final OutputStream out;
        final int port;
        final Set<Conn> registry;

        private Conn(Socket socket, int port, Set<Conn> registry) throws IOException {
            this.socket = socket;
            this.in = new BufferedInputStream(socket.getInputStream(), 4096);
            this.out = new BufferedOutputStream(socket.getOutputStream(), 4096);
            this.port = port;
            this.registry = registry;
        }

        static Conn open(InetAddress host, int port, int connectTimeoutMs, int readTimeoutMs, Set<Conn> registry) throws IOException {
            Socket socket = new Socket();
            try {
                socket.setTcpNoDelay(true);
                socket.connect(new InetSocketAddress(host, port), connectTimeoutMs);
                socket.setSoTimeout(readTimeoutMs);
                Conn conn = new Conn(socket, port, registry);
                registry.add(conn);
                return conn;
            } catch (IOException | RuntimeException e) {
                socket.close();
                throw e;
            }
        }

        void send(String method, String target, String bearer, byte[] body, String contentType, String extraHeaders) throws IOException {
            StringBuilder head = new StringBuilder(256)
                    .append(method).append(' ').append(target).append(" HTTP/1.1\r\n")
                    .append("Host: 127.0.0.1:").append(port).append("\r\n")
                    .append(extraHeaders);
            if (bearer != null) {
                head.append("Authorization: Bearer ").append(bearer).append("\r\n");
            }
            if (body != null) {
                head.append("Content-Type: ").append(contentType).append("\r\n")
                        .append("Content-Length: ").append(body.length).append("\r\n");
            }
            head.append("\r\n");
            out.write(head.toString().getBytes(StandardCharsets.UTF_8));
            if (body != null) {
                out.write(body);
            }
            out.flush();
        }

        Head readHead() throws IOException {
            String statusLine = readLine(in);
            if (statusLine == null) {
                throw new EOFException("closed before an answer");
            }
            String[] parts = statusLine.split(" ", 3);
            if (parts.length < 2 || !parts[0].startsWith("HTTP/")) {
                throw new IOException("not an HTTP answer: " + statusLine);
            }
            int status = Integer.parseInt(parts[1]);
            Map<String, String> headers = new HashMap<>();
            String line;
            while ((line = readLine(in)) != null && !line.isEmpty()) {
                if (headers.size() > 200) {
                    throw new IOException("too many headers");
                }
                int colon = line.indexOf(':');
                if (colon > 0) {
                    headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
                }
            }
            if (line == null) {
                throw new EOFException("closed within the headers");
            }
            return new Head(status, headers);
        }

        Response read() throws IOException {
            Head head = readHead();
            byte[] body;
            boolean keepAlive = head.keepAlive();
            if (head.status() == 204 || head.status() == 304 || (head.status() >= 100 && head.status() < 200)) {
                body = new byte[0];
            } else if (head.chunked()) {
                body = new Dechunked(in).readAllBytes();
            } else if (head.headers().containsKey("content-length")) {
                int length = Integer.parseInt(head.headers().get("content-length"));
                body = in.readNBytes(length);
                if (body.length < length) {
                    throw new EOFException("closed within the body");
                }
            } else {
                body = in.readAllBytes();
                keepAlive = false;
            }
            return new Response(head.status(), head.headers(), body, keepAlive);
        }

        /** Reads until {@code marker} went by, or {@code limit} bytes, or the end. */
        boolean awaitBytes(byte[] marker, int limit) throws IOException {
            int matched = 0;
            for (int read = 0; read < limit; read++) {
                int b = in.read();
                if (b == -1) {
                    return false;
                }
                matched = b == marker[matched] ? matched + 1 : (b == marker[0] ? 1 : 0);
                if (matched == marker.length) {
                    return true;
                }
            }
            return false;
        }

        /** Reads and drops everything until the other side closes, or this side is closed. */
        void drain() throws IOException {
            byte[] buffer = new byte[1024];
            while (in.read(buffer) != -1) {
                // an idle subscriber: ring events go by unread
            }
        }

        @Override
        public void close() {
            registry.remove(this);
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing
            }
        }
    }

    /** The body of a chunked answer. */
    static final class Dechunked extends InputStream {

        private final InputStream in;
        private long left;
        private boolean done;

        Dechunked(InputStream in) {
            this.in = in;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n == -1 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            if (done) {
                return -1;
            }
            if (left == 0) {
                String size = readLine(in);
                if (size == null) {
                    throw new EOFException("closed within a chunked body");
                }
                if (size.isEmpty()) { // the CR LF after the previous chunk
                    size = readLine(in);
                    if (size == null) {
                        throw new EOFException("closed within a chunked body");
                    }
                }
                int semicolon = size.indexOf(';');
                left = Long.parseLong((semicolon >= 0 ? size.substring(0, semicolon) : size).trim(), 16);
                if (left == 0) {
                    String trailer;
                    while ((trailer = readLine(in)) != null && !trailer.isEmpty()) {
                        // trailers are dropped
                    }
                    done = true;
                    return -1;
                }
            }
            int n = in.read(buffer, offset, (int) Math.min(length, left));
            if (n == -1) {
                throw new EOFException("closed within a chunk");
            }
            left -= n;
            return n;
        }
    }
}
