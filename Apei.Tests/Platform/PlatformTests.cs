using System.Globalization;
using ApeiKit.Cper;
using ApeiKit.Hest;
using ApeiKit.Platform;

namespace ApeiKit.Tests.Platform;

public class PlatformTests
{
    private static PlatformRun RunDefault() => VirtualPlatform.Run(Scenario.Default);

    private static ErrorOutcome Outcome(PlatformRun run, string id) => run.Outcomes.Single(o => o.Error.Id == id);

    [Theory]
    // The scenario spellings users type (as accepted before the platform's Mechanism enum gave way to Hest's
    // NotificationType), with the ACPI 6.5 Table 18.14 code each stands for.
    [InlineData("polled", 0)]
    [InlineData("sci", 3)]
    [InlineData("NMI", 4)]
    [InlineData("gpio", 7)]
    [InlineData("Sea", 8)]
    [InlineData("sei", 9)]
    [InlineData("gsiv", 10)]
    [InlineData("sdei", 11)]
    public void Scenario_notification_names_parse_to_the_table_18_14_codes(string name, byte code)
    {
        Assert.True(NotificationRoutes.TryParse(name, out var type));
        Assert.Equal(code, (byte)type);
        Assert.Equal(name.ToLowerInvariant(), type.Name());
        // The same short name HEST build specs use for that code.
        Assert.Equal(HestNames.NotificationTypeKeys[code], type.Name());
    }

    [Theory]
    // Types the platform does not model stay refused in scenarios (external and local interrupt, CMCI, MCE), as before.
    [InlineData("external-interrupt")]
    [InlineData("local-interrupt")]
    [InlineData("cmci")]
    [InlineData("mce")]
    [InlineData("8")]
    [InlineData("")]
    [InlineData(null)]
    public void Scenario_notification_names_refuse_types_the_platform_does_not_route(string? name)
    {
        Assert.False(NotificationRoutes.TryParse(name, out _));
        var json = $$"""
        {
          "guest": {
            "ram": [ { "gpa": "0x40000000", "size": "256MiB", "hva": "0x7f0000000000", "hpa": "0x80000000" } ],
            "vcpus": [ { "id": 0, "task": "app" } ],
            "sources": [ { "sourceId": 1, "notification": "{{name}}" } ]
          },
          "timeline": []
        }
        """;
        if (name is null) return;
        var e = Assert.Throws<ScenarioException>(() => ScenarioReader.Read(json));
        Assert.Equal("$.guest.sources[0].notification", e.Path);
    }

    [Fact]
    public void Unrouted_notification_types_print_their_code()
    {
        Assert.Equal("5", NotificationType.Cmci.Name());
        Assert.False(NotificationType.Mce.IsRouted());
        Assert.True(NotificationType.Sea.IsSynchronous());
        Assert.False(NotificationType.Sei.IsSynchronous());
        Assert.Equal(8, NotificationRoutes.Routed.Count);
    }

    [Fact]
    public void Default_scenario_keeps_every_invariant()
    {
        var run = RunDefault();
        Assert.Empty(PlatformInvariants.Check(run));
        Assert.False(run.Guest.Panicked);
        Assert.False(run.Host.Panicked);
    }

    [Theory]
    [InlineData("consumed", NotificationType.Sea)]
    [InlineData("scrub-gpio", NotificationType.Gpio)]
    [InlineData("scrub-gsiv", NotificationType.Gsiv)]
    [InlineData("scrub-sei", NotificationType.Sei)]
    [InlineData("scrub-polled", NotificationType.Polled)]
    public void Default_scenario_delivers_each_memory_error_by_its_mechanism(string id, NotificationType mechanism)
    {
        var run = RunDefault();
        var o = Outcome(run, id);
        Assert.Equal(Disposition.DeliveredToGuest, o.Disposition);
        Assert.Equal(mechanism, o.GuestNotificationType);
        // The guest saw the guest physical address the scenario named (host address translated back through the map).
        var record = run.Guest.Records.Single(r => r.ErrorId == id);
        var slot = run.Scenario.GuestRam.Single(s => o.Error.HostAddress >= s.Hpa && o.Error.HostAddress - s.Hpa < s.Size);
        Assert.Equal(slot.Gpa + (o.Error.HostAddress - slot.Hpa), record.Block.Entries.Single().Address);
        Assert.Equal(o.GuestAddress, record.Block.Entries.Single().Address);
    }

    [Fact]
    public void Consumed_error_offlines_the_page_and_kills_the_task_on_the_vcpu_that_touched_it()
    {
        var run = RunDefault();
        Assert.Contains("memtester on vCPU 1", run.Guest.KilledTasks);
        Assert.Contains(0x41234000UL / 4096, run.Guest.OfflinedPages);
        var sea = run.Trace.Events.Single(e => e.Action == "guest.sea");
        var esr = new ArmSyndrome(sea.Esr!.Value);
        Assert.Equal(0x24, esr.ExceptionClass);
        Assert.Equal(0x10, esr.FaultStatusCode);
        Assert.True(esr.FarNotValid);
        Assert.Equal(1, sea.Cpu);
    }

    [Fact]
    public void Sei_carries_an_architected_serror_syndrome_for_an_unconsumed_error()
    {
        var run = RunDefault();
        var sei = run.Trace.Events.Single(e => e.Action == "guest.sei");
        var esr = new ArmSyndrome(sei.Esr!.Value);
        Assert.Equal(0x2F, esr.ExceptionClass);
        Assert.False(esr.ImplementationDefinedSyndrome);
        Assert.Equal(SErrorType.Restartable, esr.AsyncErrorType);
    }

    [Fact]
    public void Corrected_errors_stay_at_the_host_and_are_counted()
    {
        var run = RunDefault();
        Assert.Equal(Disposition.LoggedAtHost, Outcome(run, "corrected").Disposition);
        Assert.Equal(Disposition.LoggedAtHost, Outcome(run, "cache-ce").Disposition);
        Assert.Equal(1, run.Host.CorrectedCounts["memory"]);
        Assert.DoesNotContain(run.Guest.Records, r => r.ErrorId is "corrected" or "cache-ce");
    }

    [Fact]
    public void Poison_in_vmm_memory_that_is_not_guest_ram_is_logged_by_the_vmm_only()
    {
        var run = RunDefault();
        var o = Outcome(run, "vmm-heap");
        Assert.Equal(Disposition.NotGuestMemory, o.Disposition);
        Assert.Null(o.GuestAddress);
        Assert.Contains(run.Trace.Events, e => e.Action == "vmm.not-guest-ram" && e.ErrorId == "vmm-heap");
    }

    [Fact]
    public void Burst_that_outruns_the_guest_is_queued_and_every_record_arrives_in_order()
    {
        var run = RunDefault();
        var burst = run.Outcomes.Where(o => o.Error.Id.StartsWith("burst.", StringComparison.Ordinal)).ToList();
        Assert.Equal(6, burst.Count);
        Assert.All(burst, o => Assert.Equal(Disposition.DeliveredToGuest, o.Disposition));
        Assert.Contains(run.Trace.Events, e => e.Action == "vmm.queued" && e.ErrorId == "burst.2");
        var readOrder = run.Guest.Records.Where(r => r.ErrorId?.StartsWith("burst.", StringComparison.Ordinal) == true).Select(r => r.ErrorId).ToList();
        Assert.Equal(burst.Select(o => (string?)o.Error.Id).ToList(), readOrder);
    }

    [Fact]
    public void Fatal_micro_architectural_error_is_contained_at_the_host_and_never_reaches_the_guest()
    {
        var run = RunDefault();
        var o = Outcome(run, "cpu-fatal");
        Assert.Equal(Disposition.ContainedAtHost, o.Disposition);
        Assert.Contains(3, run.Host.OfflineCpus);
        Assert.DoesNotContain(run.Trace.Events, e => e.ErrorId == "cpu-fatal" && e.Actor is Actor.Vmm or Actor.Guest);
    }

    [Fact]
    public void Panic_policy_stops_the_host_and_later_errors_go_nowhere()
    {
        var scenario = Variant(s => s.Replace("\"fatalPolicy\": \"offline-cpu\"", "\"fatalPolicy\": \"panic\"", StringComparison.Ordinal));
        var run = VirtualPlatform.Run(scenario);
        Assert.True(run.Host.Panicked);
        Assert.Equal(Disposition.HostPanic, Outcome(run, "cpu-fatal").Disposition);
        Assert.Equal(Disposition.HostPanic, Outcome(run, "pcie").Disposition);
        Assert.Empty(PlatformInvariants.Check(run));
    }

    [Fact]
    public void Same_scenario_gives_the_same_trace()
    {
        var a = new StringWriter();
        var b = new StringWriter();
        RunDefault().Trace.WriteText(a);
        RunDefault().Trace.WriteText(b);
        Assert.Equal(a.ToString(), b.ToString());
    }

    [Fact]
    public void Guest_that_never_acknowledges_leaves_later_records_queued_and_reported()
    {
        var scenario = Variant(s => s.Replace("\"acknowledges\": true", "\"acknowledges\": false", StringComparison.Ordinal));
        var run = VirtualPlatform.Run(scenario);
        Assert.Empty(PlatformInvariants.Check(run));
        // scrub-gpio took the GPIO source; the burst's records wait behind it and are reported, not dropped.
        Assert.Equal(Disposition.DeliveredToGuest, Outcome(run, "scrub-gpio").Disposition);
        var burst = run.Outcomes.Where(o => o.Error.Id.StartsWith("burst.", StringComparison.Ordinal)).ToList();
        Assert.All(burst, o => Assert.Equal(Disposition.Pending, o.Disposition));
        Assert.Equal(6, run.Trace.Events.Count(e => e.Action == "vmm.pending"));
    }

    [Fact]
    public void Queue_overflow_loses_records_loudly()
    {
        var scenario = Variant(s => s.Replace("\"queueCapacity\": 16", "\"queueCapacity\": 2", StringComparison.Ordinal)
            .Replace("\"ackDelay\": \"50us\"", "\"ackDelay\": \"500us\"", StringComparison.Ordinal));
        var run = VirtualPlatform.Run(scenario);
        var lost = run.Outcomes.Where(o => o.Disposition == Disposition.Lost).ToList();
        Assert.NotEmpty(lost);
        Assert.All(lost, o => Assert.Contains(run.Trace.Events, e => e.ErrorId == o.Error.Id && e.Action == "vmm.lost"));
        Assert.Empty(PlatformInvariants.Check(run));
    }

    [Fact]
    public void Route_without_a_matching_guest_source_falls_back_and_says_so()
    {
        var json = Scenario.DefaultJson.Replace("{ \"sourceId\": 3, \"notification\": \"sei\" },", "", StringComparison.Ordinal);
        var run = VirtualPlatform.Run(ScenarioReader.Read(json));
        Assert.Contains(run.Trace.Events, e => e.Action == "vmm.route-fallback" && e.ErrorId == "scrub-sei");
        Assert.Equal(Disposition.DeliveredToGuest, Outcome(run, "scrub-sei").Disposition);
        Assert.Empty(PlatformInvariants.Check(run));
    }

    [Theory]
    [InlineData("unknown member", "\"acknowledges\": true", "\"acknowledge\": true", "$.guest.acknowledge")]
    [InlineData("bad route", "\"route\": \"gsiv\"", "\"route\": \"irq\"", "$.timeline[2].route")]
    [InlineData("address outside guest RAM", "\"guestAddress\": \"0x42000040\"", "\"guestAddress\": \"0x90000000\"", "$.timeline[1].guestAddress")]
    [InlineData("vCPU that does not exist", "\"vcpu\": 1,", "\"vcpu\": 9,", "$.timeline[0].vcpu")]
    [InlineData("bad time", "\"at\": \"2ms\"", "\"at\": \"2 weeks\"", "$.timeline[1].at")]
    public void Scenario_errors_name_the_json_path(string why, string from, string to, string path)
    {
        var json = Scenario.DefaultJson.Replace(from, to, StringComparison.Ordinal);
        Assert.NotEqual(Scenario.DefaultJson, json);
        var e = Assert.Throws<ScenarioException>(() => ScenarioReader.Read(json));
        Assert.True(e.Path == path, $"{why}: {e.Message}");
    }

    [Theory]
    [InlineData("sea")]
    [InlineData("sei")]
    [InlineData("gsiv")]
    [InlineData("gpio")]
    [InlineData("polled")]
    [InlineData("sci")]
    [InlineData("nmi")]
    public void Each_mechanism_alone_delivers_and_keeps_the_invariants(string mechanism)
    {
        string error = mechanism == "sea"
            ? """{ "id": "x", "at": "1ms", "error": "memory-consumed", "guestAddress": "0x40010000", "vcpu": 0 }"""
            : $$"""{ "id": "x", "at": "1ms", "error": "memory-scrub", "guestAddress": "0x40010000", "route": "{{mechanism}}" }""";
        var json = $$"""
        {
          "guest": {
            "ram": [ { "gpa": "0x40000000", "size": "256MiB", "hva": "0x7f0000000000", "hpa": "0x80000000" } ],
            "vcpus": [ { "id": 0, "task": "app" } ],
            "sources": [ { "sourceId": 7, "notification": "{{mechanism}}", "pollIntervalMs": 2, "vector": 40 } ]
          },
          "timeline": [ {{error}} ]
        }
        """;
        var run = VirtualPlatform.Run(ScenarioReader.Read(json));
        Assert.Empty(PlatformInvariants.Check(run));
        var o = Outcome(run, "x");
        Assert.Equal(Disposition.DeliveredToGuest, o.Disposition);
        NotificationRoutes.TryParse(mechanism, out var m);
        Assert.Equal(m, o.GuestNotificationType);
        Assert.Equal(0x40010000UL, run.Guest.Records.Single().Block.Entries.Single().Address);
        // The guest read the block from the address its own HEST declared.
        var read = run.Trace.Events.Single(e => e.Action == "guest.read");
        Assert.Equal(run.Guest.Sources.Single().ErrorBlockAddressRegister, run.Vmm.Sources.Single().ErrorBlockAddressRegister);
        Assert.Equal(run.Trace.Events.Single(e => e.Action == "vmm.write").BlockAddress, read.BlockAddress);
    }

    [Fact]
    public void Randomized_scenarios_keep_every_invariant()
    {
        // Property test: seeded random scenarios (mixed kinds, bursts, all mechanisms, slow or absent
        // acknowledgement, addresses inside and outside guest RAM). Deterministic per seed.
        for (int seed = 1; seed <= 40; seed++)
        {
            var scenario = RandomScenario(new Random(seed));
            var run = VirtualPlatform.Run(scenario);
            var violations = PlatformInvariants.Check(run);
            Assert.True(violations.Count == 0, $"seed {seed}: {string.Join("; ", violations)}");
            // Nothing is left without an end that was reported.
            Assert.All(run.Outcomes, o => Assert.True(o.Disposition != Disposition.Pending || run.Trace.Events.Any(e => e.ErrorId == o.Error.Id && e.Action == "vmm.pending"), $"seed {seed}: {o.Error.Id}"));
        }
    }

    private static Scenario Variant(Func<string, string> edit)
    {
        var json = edit(Scenario.DefaultJson);
        Assert.NotEqual(Scenario.DefaultJson, json);
        return ScenarioReader.Read(json);
    }

    internal static Scenario RandomScenario(Random r)
    {
        var mechanisms = new[] { NotificationType.Sea, NotificationType.Sei, NotificationType.Gsiv, NotificationType.Gpio, NotificationType.Polled };
        var sources = mechanisms.Where(_ => r.Next(4) != 0).Select((m, i) => new GhesSourceSpec((ushort)(i + 1), m, m == NotificationType.Polled ? (uint)r.Next(1, 6) : 0, 1024, 40)).ToList();
        if (sources.Count == 0) sources.Add(new GhesSourceSpec(1, NotificationType.Gpio, 0, 1024, 7));
        var ram = new List<RamSlotSpec>
        {
            new("ram0", 0x4000_0000, 0x7f00_0000_0000, 0x2_0000_0000, 0x1000_0000),
            new("ram1", 0x1_0000_0000, 0x7f01_0000_0000, 0x3_0000_0000, 0x1000_0000),
        };
        var vmm = new List<VmmMappingSpec> { new("heap", 0x5600_0000_0000, 0x4_0000_0000, 0x100_0000) };
        var timeline = new List<InjectedError>();
        ulong t = 100;
        int n = r.Next(5, 30);
        for (int i = 0; i < n; i++)
        {
            t += (ulong)r.Next(0, 3) == 0 ? (ulong)r.Next(1, 10) : (ulong)r.Next(100, 3000);
            var kind = (ErrorKind)r.Next(0, 5);
            ulong hpa = r.Next(6) switch
            {
                0 => 0x4_0000_0000UL + (ulong)r.Next(0, 0x100_0000), // VMM heap
                1 => 0x9_0000_0000UL + (ulong)r.Next(0, 0x1000_0000), // nobody's
                2 => 0x3_0000_0000UL + (ulong)r.Next(0, 0x1000_0000),
                _ => 0x2_0000_0000UL + (ulong)r.Next(0, 0x1000_0000),
            };
            timeline.Add(new InjectedError
            {
                Id = "r" + i.ToString(CultureInfo.InvariantCulture),
                AtUs = t,
                Kind = kind,
                HostAddress = hpa,
                Vcpu = r.Next(0, 2),
                Route = r.Next(3) == 0 ? null : mechanisms[r.Next(1, mechanisms.Length)],
                Severity = (CperSeverity)r.Next(0, 3),
                ArmKind = (ArmErrorKind)r.Next(1, 5),
                Cpu = r.Next(0, 4),
                PcieDevice = "0000:02:00.0",
            });
        }
        return new Scenario
        {
            Name = "random",
            GuestRam = ram,
            VmmMappings = vmm,
            Vcpus = [new VcpuSpec(0, "a"), new VcpuSpec(1, "b")],
            GuestSources = sources,
            GuestHestAddress = 0x0900_0000,
            GuestRegionBase = 0x0910_0000,
            GuestAckDelayUs = (ulong)r.Next(0, 400),
            GuestAcknowledges = r.Next(8) != 0,
            VmmQueueCapacity = r.Next(1, 8),
            VmmRetryUs = (ulong)r.Next(5, 50),
            DefaultAsyncRoute = sources[r.Next(sources.Count)].NotificationType,
            HostCpus = 4,
            FatalPolicy = r.Next(4) == 0 ? FatalPolicy.Panic : FatalPolicy.OfflineCpu,
            Timeline = timeline,
        };
    }
}

public class ReadmeScenarioTests
{
    /// <summary>The first <c>jsonc</c> block after <paramref name="heading"/> in the repository's README.md.</summary>
    internal static string Readme(string heading)
    {
        var readme = File.ReadAllText(Path.Combine(Fixtures.Root, "..", "README.md"));
        int section = readme.IndexOf(heading, StringComparison.Ordinal);
        Assert.True(section >= 0, $"README.md has no \"{heading}\"");
        int start = readme.IndexOf("```jsonc", section, StringComparison.Ordinal) + "```jsonc".Length;
        int end = readme.IndexOf("```", start, StringComparison.Ordinal);
        return readme[start..end];
    }

    [Fact]
    public void The_scenario_example_in_the_readme_runs_and_keeps_every_invariant()
    {
        var run = VirtualPlatform.Run(ScenarioReader.Read(Readme("### `apeikit simulate"), "README.md"));
        Assert.Empty(PlatformInvariants.Check(run));
        Assert.Equal(14, run.Outcomes.Count);
        foreach (var m in new[] { NotificationType.Sea, NotificationType.Gpio, NotificationType.Gsiv, NotificationType.Sei, NotificationType.Polled })
            Assert.Contains(run.Outcomes, o => o.GuestNotificationType == m && o.Disposition == Disposition.DeliveredToGuest);
    }
}
