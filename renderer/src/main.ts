import { mount } from 'svelte';
import './app.css';
import App from './App.svelte';
import { connectWorkbench } from './lib/transports';

const app = mount(App, { target: document.getElementById('app')!, props: { api: connectWorkbench() } });

export default app;
