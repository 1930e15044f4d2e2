import Testing

@testable import SidingMetrics

/// The Prometheus text format (0.0.4) as `Exposition` writes it, checked line by line.
struct ExpositionTests {
    @Test func familiesStartWithHelpAndTypeAndLabelValuesAreEscaped() {
        var out = Exposition()
        out.counter(
            "siding_sent_bytes_total", help: "Bytes sent.\nSecond line with a \\ backslash.",
            [([("partner", "AB-CD"), ("name", "Peace \"Institute\"\\Kyiv\nbranch")], 42)])
        out.gauge("siding_partners", help: "Partners.", 2)
        #expect(
            out.text == """
                # HELP siding_sent_bytes_total Bytes sent.\\nSecond line with a \\\\ backslash.
                # TYPE siding_sent_bytes_total counter
                siding_sent_bytes_total{partner="AB-CD",name="Peace \\"Institute\\"\\\\Kyiv\\nbranch"} 42
                # HELP siding_partners Partners.
                # TYPE siding_partners gauge
                siding_partners 2

                """)
    }

    @Test func helpKeepsDoubleQuotesAndLabelValuesKeepOtherTextAsIs() {
        #expect(Exposition.escapeHelp(#"say "hi""#) == #"say "hi""#)
        #expect(Exposition.escapeLabelValue("北京大学 – ✓\t") == "北京大学 – ✓\t")
        #expect(Exposition.escapeLabelValue("a\r\nb") == "a\r\\nb")
    }

    @Test func histogramBucketsAreCumulativeAndEndWithInfinity() {
        let histogram = Histogram(bounds: [0.001, 0.01, 0.1])
        for value in [0.0005, 0.001, 0.002, 0.05, 0.05, 3.0] { histogram.observe(value) }
        var out = Exposition()
        out.histogram("siding_commit_duration_seconds", help: "Commit time.", histogram.snapshot, labels: [("kind", "local")])
        let lines = out.text.split(separator: "\n").map(String.init)
        #expect(
            lines == [
                "# HELP siding_commit_duration_seconds Commit time.",
                "# TYPE siding_commit_duration_seconds histogram",
                #"siding_commit_duration_seconds_bucket{kind="local",le="0.001"} 2"#,
                #"siding_commit_duration_seconds_bucket{kind="local",le="0.01"} 3"#,
                #"siding_commit_duration_seconds_bucket{kind="local",le="0.1"} 5"#,
                #"siding_commit_duration_seconds_bucket{kind="local",le="+Inf"} 6"#,
                #"siding_commit_duration_seconds_sum{kind="local"} 3.1035"#,
                #"siding_commit_duration_seconds_count{kind="local"} 6"#,
            ])
    }

    @Test func anEmptyHistogramStillListsEveryBucket() {
        var out = Exposition()
        out.histogram("h", help: "h.", Histogram(bounds: [1, 2]).snapshot)
        #expect(out.text.hasSuffix("h_bucket{le=\"1\"} 0\nh_bucket{le=\"2\"} 0\nh_bucket{le=\"+Inf\"} 0\nh_sum 0\nh_count 0\n"))
    }

    @Test func numbersAreWrittenAsPrometheusParsesThem() {
        #expect(Exposition.format(3.0) == "3")
        #expect(Exposition.format(0.0025) == "0.0025")
        #expect(Exposition.format(1e-05) == "1e-05")
        #expect(Exposition.format(Double.infinity) == "+Inf")
        #expect(Exposition.format(-Double.infinity) == "-Inf")
        #expect(Exposition.format(Double.nan) == "NaN")
        #expect(Exposition.format(UInt64.max) == "18446744073709551615")
    }

    @Test func durationsAreObservedInSeconds() {
        let histogram = Histogram(bounds: [0.01])
        histogram.observe(Duration.milliseconds(5))
        histogram.observe(Duration.seconds(2))
        #expect(histogram.snapshot.counts == [1, 1])
        #expect(abs(histogram.snapshot.sum - 2.005) < 1e-9)
    }
}
