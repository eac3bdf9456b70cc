package io.rollcall;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Issue 15, finding 3: the one escaping for what is printed to terminals, logs and handlers. */
class PrintableTextTest {
    @Test
    void printableTextPassesAndEverythingElseIsEscaped() {
        assertThat(PrintableText.escape("web-01 role=db caf\u00e9 \u65e5\u672c")).isEqualTo("web-01 role=db caf\u00e9 \u65e5\u672c");
        assertThat(PrintableText.escape("a\nb\tc\rd\\e")).isEqualTo("a\\nb\\tc\\rd\\\\e");
        assertThat(PrintableText.escape("\u001b[31mred\u001b]0;t\u0007")).isEqualTo("\\x1B[31mred\\x1B]0;t\\x07");
        assertThat(PrintableText.escape("\u0000\u007f\u009b")).isEqualTo("\\x00\\x7F\\x9B");
        assertThat(PrintableText.escape("a\u202eb\u200bc\u2028")).isEqualTo("a\\u{202E}b\\u{200B}c\\u{2028}");
        assertThat(PrintableText.escape("\ud800x")).isEqualTo("\\u{D800}x");
        assertThat(PrintableText.escape(null)).isEqualTo("null");
    }

    @Test
    void escapedTextIsOneLineOfPrintableCharactersWhateverTheInput() {
        long seed = 2615L;
        SplittableRandom random = new SplittableRandom(seed);
        for (int round = 0; round < 5_000; round++) {
            StringBuilder b = new StringBuilder();
            for (int i = random.nextInt(40); i > 0; i--) {
                b.append((char) (random.nextBoolean() ? random.nextInt(0x100) : random.nextInt(0x10000)));
            }
            String escaped = PrintableText.escape(b.toString());
            assertThat(escaped.codePoints()).as("seed %d round %d: %s", seed, round, escaped)
                    .allMatch(cp -> cp >= 0x20 && cp != 0x7F && !(cp >= 0x80 && cp <= 0x9F) && Character.isDefined(cp)
                            && Character.getType(cp) != Character.FORMAT && Character.getType(cp) != Character.SURROGATE
                            && cp != 0x2028 && cp != 0x2029);
        }
    }
}
