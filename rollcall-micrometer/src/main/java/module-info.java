/**
 * The Micrometer binding of a Rollcall node: {@code RollcallMetrics}, a {@code MeterBinder} over the
 * public API only.
 */
module io.rollcall.micrometer {
    requires transitive io.rollcall;
    requires transitive micrometer.core;

    exports io.rollcall.micrometer;
}
