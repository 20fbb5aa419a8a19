package io.quckchat.router.dashboard;

import io.quckchat.router.ops.MeterHistory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The charts of the last hour and the last interval's rates, under {@code BULL_BOARD_PATH/api}
 * (admin credentials), from the router's own meters ({@link MeterHistory}). See docs/operations.md,
 * "Charts".
 */
@RestController
@ConditionalOnProperty(prefix = "quckchat.bull-board", name = "enabled", havingValue = "true")
@RequestMapping(path = "${quckchat.bull-board.path}/api", produces = MediaType.APPLICATION_JSON_VALUE)
class DashboardCharts {

    private final MeterHistory history;

    DashboardCharts(MeterHistory history) {
        this.history = history;
    }

    /** {@code {interval, timestamps: [epoch ms], series: [{chart, name, unit, values}], maxSeries, droppedSeries}} */
    @GetMapping("/charts")
    MeterHistory.Charts charts() {
        return history.charts();
    }

    /** {@code {at, interval, topics: [..], routes: [..], edges: [..]}}: the last interval alone, for a flow map. */
    @GetMapping("/rates")
    MeterHistory.Rates rates() {
        return history.rates();
    }
}
