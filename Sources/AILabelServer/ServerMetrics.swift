import Prometheus
import Synchronization

/// What `/metrics` reports, in Prometheus's text format: requests by route and status, latency and body
/// sizes per route, verdicts, and errors by their stable code.
///
/// Each metric is made once per label set and kept: asking the registry for it on every request (it
/// builds the name and looks the labels up under its lock) cost about 1% of the server's CPU.
public final class ServerMetrics: Sendable {
    public let registry = PrometheusCollectorRegistry()
    private let counters = KeptMetrics<Counter>()
    private let durations = KeptMetrics<DurationHistogram>()
    private let sizes = KeptMetrics<ValueHistogram>()
    private let inFlightGauge: Gauge
    static let latencyBuckets: [Duration] = [
        .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250),
        .milliseconds(500), .seconds(1), .seconds(2.5), .seconds(5), .seconds(10), .seconds(30),
    ]
    static let byteBuckets: [Double] = [1_024, 16_384, 262_144, 1_048_576, 4_194_304, 16_777_216, 67_108_864, 268_435_456, 1_073_741_824]

    public init() {
        inFlightGauge = registry.makeGauge(
            descriptor: .init(namespace: "ailabel", metricName: "requests_in_flight", unitName: "", helpText: "Requests being handled"))
    }

    func request(route: String, status: Int, duration: Duration, bytesIn: Int, bytesOut: Int) {
        counters.metric("requests \(route) \(status)") {
            registry.makeCounter(
                descriptor: .init(namespace: "ailabel", metricName: "http_requests", unitName: "total", helpText: "HTTP requests by route and status"),
                labels: [("route", route), ("status", String(status))])
        }.increment()
        durations.metric(route) {
            registry.makeDurationHistogram(
                descriptor: .init(namespace: "ailabel", metricName: "http_request_duration", unitName: "seconds", helpText: "Time from request to response"),
                labels: [("route", route)], buckets: Self.latencyBuckets)
        }.record(duration)
        sizes.metric(route) {
            registry.makeValueHistogram(
                descriptor: .init(namespace: "ailabel", metricName: "http_request_body", unitName: "bytes", helpText: "Request body sizes"),
                labels: [("route", route)], buckets: Self.byteBuckets)
        }.record(Double(bytesIn))
        counters.metric("response bytes \(route)") {
            registry.makeCounter(
                descriptor: .init(namespace: "ailabel", metricName: "http_response_body", unitName: "bytes_total", helpText: "Response body bytes sent"),
                labels: [("route", route)])
        }.increment(by: Int64(bytesOut))
    }

    func verdict(_ verdict: String) {
        counters.metric("verdict \(verdict)") {
            registry.makeCounter(
                descriptor: .init(namespace: "ailabel", metricName: "verdicts", unitName: "total", helpText: "Verification verdicts"),
                labels: [("verdict", verdict)])
        }.increment()
    }

    func error(code: String) {
        counters.metric("error \(code)") {
            registry.makeCounter(
                descriptor: .init(namespace: "ailabel", metricName: "errors", unitName: "total", helpText: "Refused or failed requests by stable error code"),
                labels: [("code", code)])
        }.increment()
    }

    func inFlight(_ delta: Int) {
        inFlightGauge.increment(by: Double(delta))
    }

    /// The text exposition.
    func render() -> [UInt8] { registry.emitToBuffer() }
}

/// Metrics of one kind, each made once for its key (its label values) and kept.
private final class KeptMetrics<Metric: Sendable>: Sendable {
    private let kept = Mutex<[String: Metric]>([:])

    /// The metric kept under `key`, made by `make` the first time.
    func metric(_ key: String, _ make: () -> Metric) -> Metric {
        kept.withLock { kept in
            if let metric = kept[key] { return metric }
            let metric = make()
            kept[key] = metric
            return metric
        }
    }
}
