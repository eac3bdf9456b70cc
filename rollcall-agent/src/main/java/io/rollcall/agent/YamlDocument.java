package io.rollcall.agent;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/** YAML configuration files, through SnakeYAML's safe loader with bounded input and aliases. */
final class YamlDocument {
    private YamlDocument() {
    }

    /** @param maxChars SnakeYAML's own code-point limit; the caller has checked the length already */
    static Object read(String text, int maxChars) {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        options.setMaxAliasesForCollections(10);
        options.setCodePointLimit(maxChars);
        try {
            return new Yaml(new SafeConstructor(options)).load(text);
        } catch (YAMLException e) {
            String msg = String.valueOf(e.getMessage()).replace('\n', ' ').replaceAll("\\s+", " ").trim();
            throw new IllegalArgumentException("not valid JSON or YAML: " + msg);
        }
    }
}
