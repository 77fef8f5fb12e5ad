package dev.mailpath.diag.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Compiles the Java snippets of README.md and docs/guide.md against today's API, so the first code
 * a user copies cannot drift from the library.
 *
 * <p>Every {@code ```java} block is a sequence of statements. Each becomes the body of a static
 * method in a class of its own that imports every mailpath API package and the JDK packages the
 * snippets use. A variable a block uses without declaring it is a parameter of that method: either
 * a variable an earlier block of the same file declared ({@code Type name = ...} at the start of a
 * line, so blocks read as one walk-through), or one of the documented {@link #PLACEHOLDERS} ({@code
 * domains}, {@code password}, {@code testCa}, ...). Nothing is run: the snippets name servers that
 * do not exist.
 */
class ReadmeSnippetsTest {

  /**
   * Names the documents use without declaring them (README says so before its snippets), with their
   * types.
   */
  static final Map<String, String> PLACEHOLDERS =
      Map.of(
          "domains", "List<String>",
          "recipients", "List<String>",
          "password", "String",
          "testCa", "X509TrustManager",
          "probe", "RoundTripProbe",
          "relayTester", "RelayPolicyTester");

  static final List<String> IMPORTS =
      List.of(
          "dev.mailpath.diag.core.*",
          "dev.mailpath.diag.dns.*",
          "dev.mailpath.diag.auth.*",
          "dev.mailpath.diag.posture.*",
          "dev.mailpath.diag.smtp.*",
          "dev.mailpath.diag.trace.*",
          "dev.mailpath.diag.json.*",
          "dev.mailpath.diag.html.*",
          "java.net.*",
          "java.nio.file.*",
          "java.time.*",
          "java.util.*",
          "java.util.concurrent.*",
          "java.util.stream.*",
          "javax.net.ssl.*",
          "static dev.mailpath.diag.assertj.DiagAssertions.assertThat");

  private static final Pattern JAVA_BLOCK =
      Pattern.compile("^```java\\n(.*?)^```\\s*$", Pattern.MULTILINE | Pattern.DOTALL);

  /** {@code Type name =} at the start of a line: a local declared by a block. */
  private static final Pattern DECLARATION =
      Pattern.compile(
          "^\\s*(?:final\\s+)?([A-Z][\\w.]*(?:<[^=;()]*>)?(?:\\[\\])?|var)\\s+(\\w+)\\s*=(?!=)",
          Pattern.MULTILINE);

  /** Declarations anywhere (try resources, loops): names that are not free in the block. */
  private static final Pattern ANY_DECLARATION =
      Pattern.compile("\\b(?:[A-Z][\\w.]*(?:<[^=;()]*>)?(?:\\[\\])?|var)\\s+(\\w+)\\s*[=:]");

  /** Lambda parameters: {@code r ->} and {@code (r, t) ->}. */
  private static final Pattern LAMBDA =
      Pattern.compile("(?:\\b(\\w+)|\\(\\s*([\\w\\s,]*)\\))\\s*->");

  @Test
  void readmeSnippets_compile(@TempDir Path out) throws IOException {
    List<Snippet> snippets = snippets(projectFile("README.md"));

    assertThat(snippets).as("java blocks in README.md").hasSizeGreaterThanOrEqualTo(5);
    compile(snippets, out);
  }

  @Test
  void guideSnippets_compile(@TempDir Path out) throws IOException {
    List<Snippet> snippets = snippets(projectFile("docs/guide.md"));

    assertThat(snippets).as("java blocks in docs/guide.md").hasSizeGreaterThanOrEqualTo(15);
    compile(snippets, out);
  }

  /** The project's root: the parent of the examples module, where surefire runs the tests. */
  static Path projectFile(String relative) {
    Path root = Path.of(System.getProperty("user.dir")).toAbsolutePath();
    if (!Files.exists(root.resolve("README.md"))) {
      root = root.getParent();
    }
    Path file = root.resolve(relative);
    assertThat(file).as("%s of the project", relative).exists();
    return file;
  }

  record Snippet(String file, int line, String className, String source) {}

  static List<Snippet> snippets(Path markdown) throws IOException {
    String text = Files.readString(markdown, StandardCharsets.UTF_8);
    String file = markdown.getFileName().toString();
    String prefix = file.replaceAll("\\W", "_").toLowerCase(Locale.ROOT);
    Map<String, String> declaredEarlier = new LinkedHashMap<>();
    List<Snippet> snippets = new ArrayList<>();
    Matcher block = JAVA_BLOCK.matcher(text);
    while (block.find()) {
      String body = block.group(1);
      int line = lineOf(text, block.start(1));
      String className = "Snippet_" + prefix + "_" + line;
      Set<String> bound = boundNames(body);
      StringBuilder params = new StringBuilder();
      Map<String, String> candidates = new LinkedHashMap<>(PLACEHOLDERS);
      candidates.putAll(declaredEarlier);
      for (Map.Entry<String, String> c : candidates.entrySet()) {
        String name = c.getKey();
        if (!bound.contains(name) && usesVariable(body, name)) {
          params.append(params.length() == 0 ? "" : ", ").append(c.getValue()).append(' ');
          params.append(name);
        }
      }
      StringBuilder source = new StringBuilder();
      IMPORTS.forEach(i -> source.append("import ").append(i).append(";\n"));
      source.append("@SuppressWarnings(\"all\")\n");
      source.append("class ").append(className).append(" {\n");
      source.append("  static void snippet(").append(params).append(") throws Exception {\n");
      source.append(body);
      source.append("  }\n}\n");
      snippets.add(new Snippet(file, line, className, source.toString()));
      Matcher d = DECLARATION.matcher(body);
      while (d.find()) {
        if (!d.group(1).equals("var")) {
          declaredEarlier.put(d.group(2), d.group(1));
        }
      }
    }
    return snippets;
  }

  private static Set<String> boundNames(String body) {
    Set<String> bound = new LinkedHashSet<>();
    Matcher d = ANY_DECLARATION.matcher(body);
    while (d.find()) {
      bound.add(d.group(1));
    }
    Matcher l = LAMBDA.matcher(body);
    while (l.find()) {
      String names = l.group(1) != null ? l.group(1) : l.group(2);
      for (String n : names.split(",")) {
        if (!n.isBlank()) {
          bound.add(n.trim());
        }
      }
    }
    return bound;
  }

  /** The name as a variable: not after a dot, not followed by "(" (a method call). */
  private static boolean usesVariable(String body, String name) {
    String code = body.replaceAll("//[^\\n]*", "").replaceAll("\"(?:[^\"\\\\]|\\\\.)*\"", "\"\"");
    return Pattern.compile("(?<![.\\w])" + Pattern.quote(name) + "(?![\\w(])").matcher(code).find();
  }

  private static int lineOf(String text, int offset) {
    int line = 1;
    for (int i = 0; i < offset; i++) {
      if (text.charAt(i) == '\n') {
        line++;
      }
    }
    return line;
  }

  static void compile(List<Snippet> snippets, Path out) throws IOException {
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    assertThat(javac).as("the JDK running the tests has javac").isNotNull();
    Map<String, Snippet> byClass = new LinkedHashMap<>();
    List<JavaFileObject> units = new ArrayList<>();
    for (Snippet s : snippets) {
      byClass.put(s.className(), s);
      units.add(new Source(s.className(), s.source()));
    }
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    List<String> options =
        List.of(
            "-classpath",
            System.getProperty("java.class.path"),
            "-d",
            out.toString(),
            "-proc:none",
            "-implicit:none",
            "-Xlint:none",
            "-nowarn",
            "--release",
            "17");
    boolean ok;
    try (StandardJavaFileManager files =
        javac.getStandardFileManager(diagnostics, Locale.ROOT, StandardCharsets.UTF_8)) {
      ok = javac.getTask(null, files, diagnostics, options, null, units).call();
    }
    if (!ok) {
      StringBuilder report = new StringBuilder();
      diagnostics.getDiagnostics().stream()
          .filter(d -> d.getKind() == Diagnostic.Kind.ERROR)
          .sorted(
              Comparator.comparing(
                      (Diagnostic<? extends JavaFileObject> d) -> d.getSource().getName())
                  .thenComparingLong(Diagnostic::getLineNumber))
          .forEach(d -> report.append(describe(d, byClass)).append('\n'));
      fail("Java snippets that do not compile against today's API:\n" + report);
    }
    try (Stream<Path> classes = Files.walk(out)) {
      assertThat(classes.filter(p -> p.toString().endsWith(".class")).count())
          .isGreaterThanOrEqualTo(snippets.size());
    }
  }

  private static String describe(
      Diagnostic<? extends JavaFileObject> d, Map<String, Snippet> byClass) {
    String name = d.getSource() == null ? "" : d.getSource().getName();
    String className = name.replaceAll("^.*/|\\.java$", "");
    Snippet s = byClass.get(className);
    if (s == null) {
      return d.getMessage(Locale.ROOT);
    }
    long headerLines = s.source().lines().takeWhile(l -> !l.startsWith("  static void")).count();
    long lineInBlock = d.getLineNumber() - headerLines - 2;
    String code = s.source().lines().skip(d.getLineNumber() - 1).findFirst().orElse("");
    return s.file()
        + ":"
        + (s.line() + lineInBlock)
        + ": "
        + d.getMessage(Locale.ROOT)
        + "\n    "
        + code.strip();
  }

  private static final class Source extends SimpleJavaFileObject {
    private final String code;

    Source(String className, String code) {
      super(
          java.net.URI.create("string:///" + className + JavaFileObject.Kind.SOURCE.extension),
          JavaFileObject.Kind.SOURCE);
      this.code = code;
    }

    @Override
    public CharSequence getCharContent(boolean ignoreEncodingErrors) {
      return code;
    }
  }
}
