import Testing

/// The test parser must itself reject what Prometheus would, or the `/metrics` checks prove nothing.
@Suite("Prometheus text parser")
struct PrometheusTextTests {
    @Test func readsHelpTypeAndSamples() throws {
        let text = try PrometheusText(
            """
            # HELP a_total Things.
            # TYPE a_total counter
            a_total{x="1",y="q\\"uote"} 3
            # HELP h_seconds Times.
            # TYPE h_seconds histogram
            h_seconds_bucket{le="+Inf"} 2
            h_seconds_sum 0.5
            h_seconds_count 2

            """)
        #expect(text.value("a_total", ["y": "q\"uote"]) == 3)
        #expect(text.value("h_seconds_bucket", ["le": "+Inf"]) == 2)
        #expect(text.families == ["a_total", "h_seconds"])
    }

    @Test(arguments: [
        "a_total 1\n",  // no HELP or TYPE
        "# TYPE a_total counter\na_total 1\n",  // no HELP
        "# HELP a_total x\na_total 1\n",  // no TYPE
        "# HELP a_total x\n# TYPE a_total counter\na_total{x=1} 1\n",  // unquoted label value
        "# HELP a_total x\n# TYPE a_total counter\na_total one\n",  // not a number
        "# HELP a_total x\n# TYPE a_total counter\n\na_total 1\n",  // blank line
        "# HELP a_total x\n# TYPE a_total counter\n1a_total 1\n",  // bad name
        "# HELP a_total x\n# TYPE a_total widget\n",  // unknown type
    ])
    func rejectsMalformedText(_ text: String) {
        #expect(throws: PrometheusText.FormatError.self) { try PrometheusText(text) }
    }
}
