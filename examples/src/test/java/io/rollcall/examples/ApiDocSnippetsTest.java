package io.rollcall.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * docs/API.md quotes compiled code: every block after {@code <!-- snippet: file#name -->} must equal,
 * line for line and dedented, the lines between {@code // snippet:name} and {@code // end:name} in
 * that file. And the BOM lists every published module at the project's version.
 */
class ApiDocSnippetsTest {
    private static final Path ROOT = Path.of("..");
    private static final Pattern SNIPPET = Pattern.compile("<!-- snippet: (\\S+)#(\\S+) -->\\n```java\\n(.*?)```", Pattern.DOTALL);

    @Test
    void everyDocSnippetIsTheCompiledCode() throws IOException {
        String doc = Files.readString(ROOT.resolve("docs/API.md"));
        Matcher m = SNIPPET.matcher(doc);
        int count = 0;
        while (m.find()) {
            count++;
            String file = m.group(1);
            String name = m.group(2);
            assertThat(m.group(3)).as("docs/API.md snippet %s#%s", file, name).isEqualTo(region(ROOT.resolve(file), name));
        }
        assertThat(count).as("snippets in docs/API.md").isGreaterThanOrEqualTo(5);
    }

    @Test
    void theBomListsEveryPublishedModuleAtTheProjectVersion() throws IOException {
        String parent = Files.readString(ROOT.resolve("pom.xml"));
        String bom = Files.readString(ROOT.resolve("rollcall-bom/pom.xml"));
        String version = between(parent.substring(parent.indexOf("<artifactId>rollcall-parent</artifactId>")), "<version>", "</version>");
        assertThat(between(bom.substring(bom.indexOf("<artifactId>rollcall-bom</artifactId>")), "<version>", "</version>"))
                .as("the BOM's version").isEqualTo(version);
        Matcher modules = Pattern.compile("<module>(\\S+)</module>").matcher(parent);
        List<String> published = new ArrayList<>();
        while (modules.find()) {
            String dir = modules.group(1);
            String pom = Files.readString(ROOT.resolve(dir).resolve("pom.xml"));
            if (!dir.equals("rollcall-bom") && !pom.contains("<skipLibraryJars>true</skipLibraryJars>")) {
                published.add(between(pom.substring(pom.indexOf("</parent>")), "<artifactId>", "</artifactId>"));
            }
        }
        assertThat(published).contains("rollcall-core", "rollcall-testkit", "rollcall-micrometer");
        for (String artifact : published) {
            assertThat(bom).as("the BOM manages " + artifact).contains("<artifactId>" + artifact + "</artifactId>");
        }
    }

    private static String region(Path file, String name) throws IOException {
        List<String> lines = Files.readAllLines(file);
        int start = -1;
        int end = -1;
        for (int i = 0; i < lines.size(); i++) {
            String t = lines.get(i).trim();
            if (t.equals("// snippet:" + name)) {
                start = i + 1;
            } else if (t.equals("// end:" + name) && start >= 0) {
                end = i;
                break;
            }
        }
        assertThat(start).as("// snippet:%s in %s", name, file).isNotNegative();
        assertThat(end).as("// end:%s in %s", name, file).isNotNegative();
        List<String> region = lines.subList(start, end);
        int indent = region.stream().filter(l -> !l.isBlank()).mapToInt(l -> l.length() - l.stripLeading().length()).min().orElse(0);
        StringBuilder out = new StringBuilder();
        for (String l : region) {
            out.append(l.isBlank() ? "" : l.substring(indent)).append('\n');
        }
        return out.toString();
    }

    private static String between(String text, String open, String close) {
        int a = text.indexOf(open) + open.length();
        return text.substring(a, text.indexOf(close, a));
    }
}
