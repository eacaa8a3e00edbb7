// Shows the community the demo runs with (secrets masked by the server), as text.
const res = await fetch('/demo/community');
document.getElementById('community').textContent = res.ok ? (await res.json()).community : 'unavailable';
