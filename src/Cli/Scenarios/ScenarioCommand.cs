using System.CommandLine;

namespace Sluice.Cli.Scenarios;

/// <summary><c>sluice scenario run PATH</c>: runs scenario files; the last line counts them; exit 0 only if all passed.</summary>
internal static class ScenarioCommand
{
    public static Command Create()
    {
        var path = new Argument<string>("PATH") { Description = "A scenario file, or a folder of them" };
        var run = new Command("run", "Run scenarios on an in-process silo with a memory source, a memory sink and a manual clock") { path };
        run.SetAction(async (parse, _) =>
        {
            var (passed, failed) = await RunAllAsync(parse.GetValue(path)!, Console.Out);
            return failed == 0 && passed > 0 ? 0 : 1;
        });
        return new Command("scenario", "Conformance scenarios (shared/scenarios/FORMAT.md)") { run };
    }

    public static async Task<(int Passed, int Failed)> RunAllAsync(string path, TextWriter output)
    {
        var files = Scenario.Find(path);
        await using var silo = await ScenarioSilo.StartAsync();
        int passed = 0, failed = 0;
        for (var i = 0; i < files.Count; i++)
        {
            bool ok;
            try
            {
                ok = await new ScenarioRunner(silo, output).RunAsync(Scenario.Load(files[i]), i);
            }
            catch (Exception e) when (e is System.Text.Json.JsonException or Spec.SpecException or IOException)
            {
                output.WriteLine($"scenario {files[i]}: cannot load: {e.Message}");
                ok = false;
            }
            if (ok)
            {
                passed++;
            }
            else
            {
                failed++;
            }
        }
        output.WriteLine($"{passed} passed, {failed} failed");
        return (passed, failed);
    }
}
