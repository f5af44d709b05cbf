// Preloaded (node --require) into each measured process: writes its own CPU time at exit to $SOPSTATE_CPU_FILE.
const { writeFileSync } = require('node:fs');

process.on('exit', () => {
  const { user, system } = process.cpuUsage();
  writeFileSync(process.env.SOPSTATE_CPU_FILE, String((user + system) / 1e6));
});
