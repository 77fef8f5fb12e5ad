// nslookup -type=mx, in JShell: look up the demo zone served by an embedded DNS server.
// Run from the project root:  jshell --class-path "$(cat examples/target/jshell.classpath)" examples/jshell/mx.jsh
import dev.mailpath.diag.dns.*;
import dev.mailpath.diag.testkit.LocalDnsZoneServer;
import dev.mailpath.diag.examples.DemoZones;
import java.time.Duration;

var dns = LocalDnsZoneServer.builder().zone(DemoZones.exampleCom()).start();
var resolver = MxResolver.builder().dns(d -> d.server(dns.address()).timeout(Duration.ofSeconds(2))).build();

var report = resolver.resolve("example.com");
System.out.println(report);
System.out.println("first exchange: " + report.exchanges().get(0));
System.out.println(resolver.resolve("nomail.example.com").findings().get(0));
dns.close();
/exit
