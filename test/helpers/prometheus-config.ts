// The prometheus.yml of the end-to-end tests: one job scraping one logtally every second.
// Shared by test/integration/prometheus/*; imports nothing from src/.

/** A Prometheus configuration scraping 127.0.0.1:`port` every second (job "logtally"). */
export function scrapeConfig(port: number): string {
  return [
    "global:",
    "  scrape_interval: 1s",
    "  scrape_timeout: 900ms",
    "scrape_configs:",
    "  - job_name: logtally",
    "    static_configs:",
    `      - targets: ["127.0.0.1:${port}"]`,
    "",
  ].join("\n");
}
